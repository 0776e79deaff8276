// The form that registers a portal account: enter, confirm, done.

import { apiPost } from '../api.js';
import { brokerOptions } from '../components/broker-picker.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { field, formError } from '../components/form.js';
import { errorNotice, successNotice } from '../components/notice.js';
import { errorMessage } from '../errors.js';
import { details } from '../components/table.js';
import { el, on, replace } from '../dom.js';
import { brokerLabel } from '../format.js';
import { roleLabel } from '../roles.js';

// The server's rules, checked here first so that mistakes are shown at once.
const loginIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const minPasswordLength = 12;
const roles = ['broker', 'operator', 'admin'];

// userForm returns the registration form. Brokers belong to a data broker;
// operators and admins to the clearing house. onCreated runs after a user
// was registered.
export function userForm({ clearingHouse, brokers, onCreated }) {
  const f = fields();
  const errors = formError();
  const done = el('div', {});
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認へ進む');
  const form = el('form', { class: 'form', novalidate: true },
    errors.box, f.loginId.wrapper, f.password.wrapper, f.role.wrapper,
    f.organization.wrapper, f.email.wrapper, el('div', { class: 'form-actions' }, submit));

  const fillOrganizations = () => {
    const choices = f.role.control.value === 'broker' ? brokers : [clearingHouse];
    const selected = choices.length === 1 ? choices[0].id : '';
    f.organization.control.replaceChildren(...brokerOptions(choices, selected));
  };
  on(f.role.control, 'change', fillOrganizations);
  fillOrganizations();

  on(form, 'submit', async (event) => {
    event.preventDefault();
    replace(done);
    errors.clear();
    const input = readInput(f);
    if (!checkInput(f, input)) {
      return;
    }
    const orgs = [clearingHouse, ...brokers];
    if (!(await confirmDialog(confirmation(input, orgs)))) {
      return;
    }
    submit.disabled = true;
    try {
      const created = await apiPost('/users', input);
      form.reset();
      fillOrganizations();
      replace(done, successNotice(`ユーザー「${created.login_id}」を登録しました。`));
      await onCreated();
    } catch (err) {
      showServerError(f, errors, err);
    } finally {
      submit.disabled = false;
    }
  });
  return el('div', {}, done, form);
}

function fields() {
  return {
    loginId: field('ログインID', el('input', {
      name: 'login_id', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
      maxlength: 64, required: true,
    }), { hint: '半角英数字と _ - で64文字まで（先頭は英数字）' }),
    password: field('初期パスワード', el('input', {
      type: 'password', name: 'password', autocomplete: 'new-password',
      minlength: minPasswordLength, required: true,
    }), { hint: `${minPasswordLength}文字以上` }),
    role: field('権限', el('select', { name: 'role', required: true },
      roles.map((r) => el('option', { value: r }, roleLabel(r))))),
    organization: field('組織', el('select', { name: 'organization_id', required: true }),
      { hint: 'データブローカーはその組織、運用者と管理者は清算機関に所属します。' }),
    email: field('メールアドレス（任意）', el('input', {
      type: 'email', name: 'email', autocomplete: 'off',
    })),
  };
}

function readInput(f) {
  return {
    login_id: f.loginId.control.value.trim(),
    password: f.password.control.value,
    role: f.role.control.value,
    organization_id: f.organization.control.value,
    email: f.email.control.value.trim(),
  };
}

// checkInput shows an error beside each field that breaks a rule, moves
// focus to the first one and reports whether all is well.
function checkInput(f, input) {
  const problems = [
    [f.loginId, loginIdPattern.test(input.login_id) ? ''
      : 'ログインIDは半角英数字と _ - で64文字までにしてください（先頭は英数字）。'],
    [f.password, input.password.length >= minPasswordLength ? ''
      : `パスワードは${minPasswordLength}文字以上にしてください。`],
    [f.organization, input.organization_id ? '' : '組織を選んでください。'],
    [f.email, !input.email || f.email.control.validity.valid ? ''
      : 'メールアドレスの形式が正しくありません。'],
  ];
  let first = null;
  for (const [item, message] of problems) {
    item.setError(message);
    if (message && !first) {
      first = item.control;
    }
  }
  if (first) {
    first.focus();
  }
  return first === null;
}

function confirmation(input, organizations) {
  const org = organizations.find((o) => o.id === input.organization_id);
  return {
    title: 'この内容でユーザーを登録しますか？',
    body: details([
      ['ログインID', input.login_id],
      ['権限', roleLabel(input.role)],
      ['組織', brokerLabel(org ? org.name : '', input.organization_id)],
      ['メールアドレス', input.email || '（なし）'],
      ['初期パスワード', `入力済み（${input.password.length}文字）`],
    ]),
    confirmLabel: '登録する',
  };
}

// showServerError puts the API's refusal beside the field it concerns, or
// at the top of the form.
function showServerError(f, errors, err) {
  if (err.handled) {
    return;
  }
  const target = {
    already_exists: f.loginId,
    invalid_organization: f.organization,
  }[err.code] || fieldNamedIn(f, err);
  if (target) {
    target.setError(errorMessage(err));
    target.control.focus();
    return;
  }
  errors.show(errorNotice(err));
}

// fieldNamedIn finds the field an invalid_parameter message starts with,
// such as "password must be 12 to 1024 characters".
function fieldNamedIn(f, err) {
  if (err.code !== 'invalid_parameter') {
    return null;
  }
  const byName = { login_id: f.loginId, password: f.password, role: f.role };
  const name = Object.keys(byName).find((n) => err.message.startsWith(n));
  return name ? byName[name] : null;
}
