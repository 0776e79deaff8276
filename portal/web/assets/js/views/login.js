// ログイン: sign in with login id and password, then return to the page
// that was asked for (a local path only) or to the user's first page. A
// user whose address is not verified gets a one-time code by mail and
// enters it on the next screen.

import { errorNotice, messageNotice, successNotice } from '../components/notice.js';
import { field, formError } from '../components/form.js';
import { el, on, replace } from '../dom.js';
import { navigate } from '../navigation.js';
import { safeReturnPath } from '../paths.js';
import { login, signedOut } from '../session.js';
import { codeForm } from './login-code.js';

// renderLogin draws the login form.
export function renderLogin({ root, query, setTitle }) {
  const loginId = field('ログインID', el('input', {
    name: 'login_id', autocomplete: 'username', autocapitalize: 'none',
    spellcheck: 'false', required: true,
  }));
  const password = field('パスワード', el('input', {
    type: 'password', name: 'password', autocomplete: 'current-password', required: true,
  }));
  const errors = formError();
  // farewell confirms a logout just done from the menu.
  const farewell = el('div', {}, signedOut() ? successNotice('ログアウトしました。') : null);
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, 'ログイン');
  const form = el('form', { class: 'form form-narrow', novalidate: true },
    errors.box, loginId.wrapper, password.wrapper,
    el('div', { class: 'form-actions' }, submit));
  const signedIn = () => {
    const back = safeReturnPath(query.get('next'), window.location.origin);
    navigate(back || '/', { replace: true });
  };

  on(form, 'submit', async (event) => {
    event.preventDefault();
    errors.clear();
    replace(farewell);
    const id = loginId.control.value.trim();
    const secret = password.control.value;
    loginId.setError(id ? '' : 'ログインIDを入力してください。');
    password.setError(secret ? '' : 'パスワードを入力してください。');
    if (!id || !secret) {
      errors.show(messageNotice('ログインIDとパスワードを入力してください。'));
      (id ? password : loginId).control.focus();
      return;
    }
    submit.disabled = true;
    let result;
    try {
      result = await login(id, secret);
    } catch (err) {
      submit.disabled = false;
      password.control.value = '';
      errors.show(errorNotice(err));
      password.control.focus();
      return;
    }
    if (result.challenge) {
      const again = () => window.location.reload();
      const { challenge } = result;
      replace(root, codeForm({ challenge, onSignedIn: signedIn, onRestart: again }));
      setTitle('ワンタイムパスワード入力');
      root.querySelector('input[name="code"]').focus();
      return;
    }
    signedIn();
  });

  root.append(farewell, form);
  loginId.control.focus();
}
