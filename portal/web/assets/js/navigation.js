// Moving between the portal's pages without reloading. The router says how
// to draw a page with setRenderer; views call navigate.

let renderPage = () => {};

// setRenderer sets the function that draws the page for the current URL.
export function setRenderer(render) {
  renderPage = render;
}

// navigate shows the page at path (a local path with an optional query),
// adding it to the browser's history unless replace is true.
export function navigate(path, { replace = false } = {}) {
  if (replace) {
    window.history.replaceState(null, '', path);
  } else {
    window.history.pushState(null, '', path);
  }
  renderPage({ focus: true });
}

// currentPath is the page being shown, with its query.
export function currentPath() {
  const { pathname, search, hash } = window.location;
  return pathname + search + hash;
}
