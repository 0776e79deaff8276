// Changing an existing account on ユーザー管理: disabling or enabling it, and
// changing its role and organisation, each confirmed before it is sent.
// The account's sessions end as soon as the change is saved.

import { apiPatch } from '../api.js';
import { brokerOptions } from '../components/broker-picker.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { field } from '../components/form.js';
import { errorNotice, successNotice } from '../components/notice.js';
import { details } from '../components/table.js';
import { el, on } from '../dom.js';
import { errorMessage } from '../errors.js';
import { roleLabel } from '../roles.js';

const roles = ['broker', 'operator', 'admin'];

// userActions returns the buttons of one row of the user list. ctx holds
// clearingHouse and brokers ({id, name}), orgName (an id's label), me (the
// signed-in user) and report, which reloads the list with a notice.
export function userActions(user, ctx) {
  if (user.login_id === ctx.me.login_id) {
    return el('span', { class: 'field-hint' }, '（ご自身のアカウント）');
  }
  const edit = el('button', {
    type: 'button', class: 'button button-small', 'data-action': 'edit',
    'aria-label': `権限・組織の変更：${user.login_id}`,
  }, '権限・組織の変更');
  on(edit, 'click', () => changeRole(user, ctx));

  const disable = !user.disabled;
  const toggle = el('button', {
    type: 'button', class: disable ? 'button button-small button-danger' : 'button button-small',
    'data-action': disable ? 'disable' : 'enable',
    'aria-label': `${disable ? '無効化' : '有効化'}：${user.login_id}`,
  }, disable ? '無効化' : '有効化');
  on(toggle, 'click', () => setDisabled(user, disable, ctx));
  return el('div', { class: 'row-actions' }, edit, toggle);
}

async function setDisabled(user, disable, ctx) {
  const confirmed = await confirmDialog({
    title: disable ? 'このユーザーを無効にしますか？' : 'このユーザーを有効にしますか？',
    body: [
      summary(user, ctx),
      el('p', {}, disable
        ? '無効にすると、このユーザーはすぐにログアウトされ、再び有効にするまでログインできません。'
        : '有効にすると、このユーザーは再びログインできるようになります。'),
    ],
    confirmLabel: disable ? '無効化する' : '有効化する',
    danger: disable,
  });
  if (!confirmed) {
    return;
  }
  const done = `ユーザー「${user.login_id}」を${disable ? '無効' : '有効'}にしました。`;
  await send(user, { disabled: disable }, done, ctx);
}

// changeRole asks for the new role and organisation, then confirms the
// change. When the server refuses a value, the form opens again with the
// reason beside that field.
async function changeRole(user, ctx) {
  let input = { role: user.role, organization_id: user.organization_id };
  let refusal = null;
  for (;;) {
    input = await askRole(user, input, refusal, ctx);
    if (!input || !(await confirmDialog(roleConfirmation(user, input, ctx)))) {
      return;
    }
    const done = `ユーザー「${user.login_id}」の権限・組織を変更しました。`;
    refusal = await send(user, changes(user, input), done, ctx);
    if (!refusal) {
      return;
    }
  }
}

// askRole shows the role and organisation fields in a dialog and resolves
// the values chosen, or null when the user cancels.
async function askRole(user, input, refusal, ctx) {
  const role = field('権限', el('select', { name: 'role' },
    roles.map((r) => el('option', { value: r, selected: r === input.role }, roleLabel(r)))));
  const org = field('組織', el('select', { name: 'organization_id' }),
    { hint: 'データブローカーはその組織、運用者と管理者は清算機関に所属します。' });
  const fill = (selected) => {
    const choices = role.control.value === 'broker' ? ctx.brokers : [ctx.clearingHouse];
    const chosen = choices.some((c) => c.id === selected) ? selected
      : choices.length === 1 ? choices[0].id : '';
    org.control.replaceChildren(...brokerOptions(choices, chosen));
  };
  on(role.control, 'change', () => fill(org.control.value));
  fill(input.organization_id);
  const refused = refusal ? { role, organization: org }[refusal.field] : null;
  if (refused) {
    refused.setError(refusal.message);
  }

  const read = () => ({ role: role.control.value, organization_id: org.control.value });
  const check = () => {
    const next = read();
    const problems = [
      [org, next.organization_id ? '' : '組織を選んでください。'],
      [role, next.role !== user.role || next.organization_id !== user.organization_id
        || !next.organization_id ? '' : '権限か組織のどちらかを変えてください。'],
    ];
    let first = null;
    for (const [item, message] of problems) {
      item.setError(message);
      first = first || (message ? item.control : null);
    }
    if (first) {
      first.focus();
    }
    return first === null;
  };
  const confirmed = await confirmDialog({
    title: `ユーザー「${user.login_id}」の権限・組織を変更`,
    body: [summary(user, ctx), el('div', { class: 'form' }, role.wrapper, org.wrapper)],
    confirmLabel: '確認へ進む',
    initialFocus: refused ? refused.control : role.control,
    beforeConfirm: check,
  });
  return confirmed ? read() : null;
}

function roleConfirmation(user, input, ctx) {
  const arrow = (from, to) => (from === to ? `${to}（変更なし）` : `${from} → ${to}`);
  return {
    title: 'この内容で権限・組織を変更しますか？',
    body: [
      details([
        ['ログインID', user.login_id],
        ['権限', arrow(roleLabel(user.role), roleLabel(input.role))],
        ['組織', arrow(ctx.orgName(user.organization_id), ctx.orgName(input.organization_id))],
      ]),
      el('p', {}, '変更すると、このユーザーはすぐにログアウトされます。'),
    ],
    confirmLabel: '変更する',
  };
}

// changes is the PATCH body: only the values that differ.
function changes(user, input) {
  const body = {};
  if (input.role !== user.role) {
    body.role = input.role;
  }
  if (input.organization_id !== user.organization_id) {
    body.organization_id = input.organization_id;
  }
  return body;
}

function summary(user, ctx) {
  return details([
    ['ログインID', user.login_id],
    ['権限', roleLabel(user.role)],
    ['組織', ctx.orgName(user.organization_id)],
  ]);
}

// send saves body and reloads the list with what happened. A refusal that
// concerns the role or organisation is returned, so that the form can show
// it beside the field; every other failure is shown above the list.
async function send(user, body, done, ctx) {
  try {
    await apiPatch(`/users/${encodeURIComponent(user.id)}`, body);
  } catch (err) {
    if (err.handled) {
      return null;
    }
    const target = fieldFor(err, body);
    if (target) {
      return { field: target, message: errorMessage(err) };
    }
    await ctx.report(errorNotice(err));
    return null;
  }
  await ctx.report(successNotice(done));
  return null;
}

// fieldFor names the field ("role" or "organization") that a refusal of a
// role or organisation change concerns; null for other refusals.
function fieldFor(err, body) {
  if (!('role' in body) && !('organization_id' in body)) {
    return null;
  }
  if (err.code === 'invalid_organization') {
    return 'organization';
  }
  if (err.code === 'invalid_parameter' && err.message.startsWith('role')) {
    return 'role';
  }
  return null;
}
