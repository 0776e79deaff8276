// Form fields with labels and their own error messages.

import { append, el, setAttr, uniqueId } from '../dom.js';

// field wraps control with its label, an optional hint and a place for an
// error message, tied together for screen readers. group, when given, is an
// element holding control with buttons beside it. It returns the wrapper to
// insert and setError to show (or with "" clear) the field's error.
export function field(label, control, { hint = '', group = control } = {}) {
  if (!control.id) {
    control.id = uniqueId('field');
  }
  const hintId = `${control.id}-hint`;
  const errorId = `${control.id}-error`;
  const error = el('p', { class: 'field-error', id: errorId, hidden: true });
  setAttr(control, 'aria-describedby', hint ? `${hintId} ${errorId}` : errorId);

  const wrapper = el('div', { class: 'field' },
    el('label', { for: control.id }, label),
    group,
    hint ? el('p', { class: 'field-hint', id: hintId }, hint) : null,
    error);

  function setError(text) {
    error.replaceChildren();
    append(error, text);
    error.hidden = !text;
    setAttr(control, 'aria-invalid', text ? 'true' : null);
  }
  return { wrapper, control, setError };
}

// formError is the place at the top of a form for errors that belong to no
// single field.
export function formError() {
  const box = el('div', { class: 'form-error' });
  return {
    box,
    show(node) {
      box.replaceChildren(node);
    },
    clear() {
      box.replaceChildren();
    },
  };
}
