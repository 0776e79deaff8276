// Messages shown in a page: errors, confirmations, loading and empty states.

import { el } from '../dom.js';
import { errorMessage } from '../errors.js';

// errorNotice shows what went wrong; screen readers announce it at once.
export function errorNotice(err) {
  return el('p', { class: 'notice notice-error', role: 'alert' }, errorMessage(err));
}

// messageNotice shows an error message given as text.
export function messageNotice(text) {
  return el('p', { class: 'notice notice-error', role: 'alert' }, text);
}

// successNotice confirms that something was done.
export function successNotice(text) {
  return el('p', { class: 'notice notice-success', role: 'status' }, text);
}

// infoNotice gives information that needs no action.
export function infoNotice(...children) {
  return el('p', { class: 'notice notice-info' }, ...children);
}

// loadingNotice says that data is on its way.
export function loadingNotice() {
  return el('p', { class: 'loading', role: 'status' }, '読み込み中…');
}

// emptyState says that there is nothing to show and what to do about it.
export function emptyState(what, todo) {
  return el('div', { class: 'empty-state' },
    el('p', { class: 'empty-title' }, what),
    todo ? el('p', {}, todo) : null);
}
