// Starts the app's wasm module. The page loads this file as its one script, and the training
// worker loads it too (as a module worker): `main` in src/main.rs renders the app when it has a
// window and registers the training reactor when it does not. A file rather than an inline
// script, so the Content-Security-Policy in index.html can allow only the app's own scripts.
import init from './app.js';

if (typeof window === 'undefined') {
  // In the training worker: once its panic hook has reported a panic to the page (and set
  // `wobblePanicked`), the trap that ends the wasm call is expected and already explained, so it
  // does not also surface in the page as an uncaught error. Any other error still does.
  self.addEventListener('error', (event) => {
    if (self.wobblePanicked) event.preventDefault();
  });
}

await init({ module_or_path: new URL('./app_bg.wasm', import.meta.url) });
