// コード入力: the second step of a login for a user whose address is not
// verified yet. The API mailed a six-digit one-time code; entering it
// verifies the address and signs in.

import { errorNotice, infoNotice } from '../components/notice.js';
import { field, formError } from '../components/form.js';
import { el, on } from '../dom.js';
import { errorMessage } from '../errors.js';
import { verifyCode } from '../session.js';

// codeForm asks for the code mailed for challenge. onSignedIn runs once it
// was right; onRestart goes back to the login form (for a new code). The
// caller moves focus to the code's input, named "code".
export function codeForm({ challenge, onSignedIn, onRestart }) {
  const code = field('ワンタイムパスワード（6桁）', el('input', {
    name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6,
    pattern: '[0-9]{6}', required: true, spellcheck: 'false',
  }), { hint: 'メールに記載された6桁の数字。有効期限は10分です。' });
  const errors = formError();
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認してログイン');
  const restart = el('button', { type: 'button', class: 'button' }, 'ログイン画面に戻る');
  const form = el('form', { class: 'form form-narrow', novalidate: true, id: 'code-form' },
    errors.box, code.wrapper, el('div', { class: 'form-actions button-row' }, submit, restart));
  on(restart, 'click', onRestart);

  on(form, 'submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const value = toDigits(code.control.value);
    if (!/^\d{6}$/.test(value)) {
      code.setError('メールに記載された6桁の数字を入力してください。');
      code.control.focus();
      return;
    }
    code.setError('');
    submit.disabled = true;
    try {
      await verifyCode(challenge, value);
    } catch (err) {
      submit.disabled = false;
      code.control.value = '';
      code.control.focus();
      if (err.code === 'invalid_code') {
        code.setError(`${errorMessage(err)}何度も間違えたときや期限が切れたときは、`
          + 'ログイン画面に戻ってやり直してください。');
      } else {
        errors.show(errorNotice(err));
      }
      return;
    }
    onSignedIn();
  });

  return el('div', {},
    infoNotice('このアカウントのメールアドレスはまだ確認されていません。'
      + '登録されたメールアドレスにワンタイムパスワードを送りました。'),
    form);
}

// toDigits reads full-width digits as ASCII and drops spaces.
function toDigits(text) {
  return text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\s/g, '');
}
