// A small site as a person would type it into the site editor, and the same site with a mistake:
// shared by editor.test.mjs (Chromium) and firefox.test.mjs.

/** A small site, as a person would type it. */
export const TINY_SITE = `(
    name: "tiny-buttons",
    title: "Tiny Buttons",
    description: "Three buttons; click the one the instruction names.",
    width: 360.0,
    height: 220.0,
    lists: { "words": ["Yes", "No", "Maybe", "Later"] },
    tables: [
        Generated(
            name: "buttons",
            groups: [
                (count: (1, 1), cells: [("label", Goal("target"))]),
                (count: (2, 2), cells: [("label", Unique(list: "words", except: ["target"]))]),
            ],
            shuffle: true,
        ),
    ],
    state: { "clicked": "" },
    pages: [
        (
            id: "main",
            title: "Pick one",
            elements: [
                List(
                    key: "button_list",
                    table: "buttons",
                    row: [
                        Button(key: "word_button", label: "{row.label}", on_click: [Set("clicked", Row("label")), End]),
                    ],
                ),
            ],
        ),
    ],
    tasks: [
        (
            name: "pick",
            instruction: "Click on \\"{target}\\".",
            goal: [("target", Pick("words"))],
            step_limit: 5,
            success: [(Eq(State("clicked"), Goal("target")), "a different button was clicked")],
            solution: [ClickRow("word_button", Shows(Goal("target")))],
        ),
    ],
)
`;

/** The same site with a misspelt element kind on line 28, column 25. */
export const TINY_BROKEN = TINY_SITE.replace('Button(key', 'Buton(key');


/** The same site without `except`: on some seeds a second button shows the target's word too. */
export const TINY_AMBIGUOUS = TINY_SITE.replace('except: ["target"]', 'except: []');
