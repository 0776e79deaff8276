// A modal confirmation step before an action that changes something.

import { el, on, uniqueId } from '../dom.js';

// confirmDialog shows title and body (text or nodes) in a modal dialog with
// キャンセル and confirmLabel buttons. It resolves true when the user
// confirms and false when they cancel (the button or Escape). Focus starts
// on キャンセル, so that pressing Enter by habit changes nothing, and
// returns to where it was when the dialog closes.
//
// A dialog that asks for input (a reason, say) passes initialFocus, the
// field to start in, and beforeConfirm, which checks the input, shows what
// is wrong and returns false to keep the dialog open.
export function confirmDialog(options) {
  const { title, body, confirmLabel, danger = false } = options;
  const { initialFocus = null, beforeConfirm = () => true } = options;
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = uniqueId('dialog-title');
    const cancel = el('button', { type: 'button', class: 'button' }, 'キャンセル');
    const confirmClass = danger ? 'button button-danger' : 'button button-primary';
    const confirm = el('button', { type: 'button', class: confirmClass }, confirmLabel);
    const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      el('h2', { id: titleId, class: 'dialog-title' }, title),
      el('div', { class: 'dialog-body' }, body),
      el('div', { class: 'dialog-actions' }, cancel, confirm));

    let confirmed = false;
    on(cancel, 'click', () => dialog.close());
    on(confirm, 'click', () => {
      if (!beforeConfirm()) {
        return;
      }
      confirmed = true;
      dialog.close();
    });
    on(dialog, 'close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) {
        opener.focus();
      }
      resolve(confirmed);
    });

    document.body.append(dialog);
    dialog.showModal();
    (initialFocus || cancel).focus();
  });
}
