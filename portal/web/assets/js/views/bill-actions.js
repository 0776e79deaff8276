// The operator's buttons on an invoice's or payment's page: 更新 and
// 支払明細書登録 lead to their screens; 発行, 承認, 入金記録 / 支払記録 and 取消
// move the record's lifecycle on, each after a confirmation step.

import { apiPost, newIdempotencyKey } from '../api.js';
import { amount } from '../components/amount.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { field } from '../components/form.js';
import { successNotice } from '../components/notice.js';
import { details } from '../components/table.js';
import { el, on, replace, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { brokerLabel, dateTodayJST, isDate, yen } from '../format.js';
import { recordPath, withQuery } from '../paths.js';
import { currentUser } from '../session.js';

// maxReasonLength is the API's limit on a reason to void, in characters.
const maxReasonLength = 500;

// staleCodes are the refusals that mean the page shows an outdated record.
const staleCodes = ['amount_changed', 'document_missing', 'invalid_transition'];

// lifecycle lists each kind's actions: the statuses they start from, what
// they need, what the confirmation says and what is shown once done.
const lifecycle = {
  invoice: [
    {
      action: 'issue', label: '発行', from: ['draft'], needsDoc: true,
      title: 'この請求書を発行しますか？', confirm: '発行する',
      explain: '請求番号を採番し、データブローカーに発行を知らせるメールを送ります。'
        + '発行した請求書は変更できません（誤りは取消のうえ訂正版を登録します）。',
      done: (r) => `請求書 ${r.number} を発行しました。`,
    },
    {
      action: 'pay', label: '入金記録', from: ['issued', 'overdue'], date: '入金日',
      title: 'この請求書の入金を記録しますか？', confirm: '入金を記録する', sign: 1,
      explain: '清算明細に払い込みを計上します。入金日が計上日になります。',
      done: (r) => `請求書 ${r.number} の入金（${r.paid_on}）を記録しました。清算確認に計上されています。`,
    },
    voidAction('この請求書を取り消しますか？', ['draft', 'issued', 'overdue']),
  ],
  payment: [
    {
      action: 'approve', label: '承認', from: ['draft'], notByRegistrant: true, needsDoc: true,
      sendsAmount: true,
      title: 'この支払を承認しますか？', confirm: 'この金額で承認する',
      explain: '承認すると支払を記録できるようになります。支払を登録・変更した運用者とは別の運用者が'
        + '承認します。承認の後は支払明細書を差し替えられません。',
      done: (r) => `支払（${yen(r.amount)}）を承認しました。`,
    },
    {
      action: 'pay', label: '支払記録', from: ['approved'], needsDoc: true, date: '支払日',
      title: 'この支払を記録しますか？', confirm: '支払を記録する', sign: -1,
      explain: '清算明細に引き出しを計上します。支払日が計上日になります。',
      done: (r) => `支払（${r.paid_on}）を記録しました。清算確認に計上されています。`,
    },
    voidAction('この支払を取り消しますか？', ['draft', 'approved']),
  ],
};

function voidAction(title, from) {
  return {
    action: 'void', label: '取消', from, reason: true, danger: true, title, confirm: '取り消す',
    explain: '取り消した記録は元に戻せません。変更履歴には残ります。',
    done: () => '取り消しました。',
  };
}

// actionPanel offers what can be done with record now. reload shows the
// record again with a notice above it. An action that cannot be taken yet
// is shown disabled, with the reason beside it.
export function actionPanel(kind, record, reload) {
  const status = el('div', { class: 'action-status' });
  const buttons = [];
  const notes = [];
  for (const a of lifecycle[kind.kind].filter((x) => x.from.includes(record.status))) {
    const blocked = blockedBy(kind, a, record);
    const noteId = uniqueId(`blocked-${a.action}`);
    const button = el('button', {
      type: 'button', 'data-action': a.action, disabled: Boolean(blocked),
      class: a.danger ? 'button button-danger' : 'button button-primary',
      'aria-describedby': blocked ? noteId : null,
    }, a.label);
    on(button, 'click', () => run({ kind, a, record, reload, status, buttons }));
    buttons.push(button);
    notes.push(blocked
      ? el('p', { class: 'field-hint action-blocked', id: noteId }, `${a.label}：${blocked}`)
      : null);
  }
  const links = pageLinks(kind, record);
  if (buttons.length === 0 && links.length === 0) {
    return null;
  }
  return el('section', { class: 'panel panel-form', 'aria-labelledby': 'actions-title' },
    el('h2', { id: 'actions-title' }, '操作'),
    el('div', { class: 'button-row' }, links, buttons), notes, status);
}

// blockedBy says why an action cannot be taken yet, or "".
function blockedBy(kind, a, record) {
  if (a.needsDoc && !kind.doc.present(record)) {
    return `${kind.doc.label}が添付されていないため${a.label}できません。`
      + `先に「${kind.doc.attach}」で${kind.doc.label}を登録してください。`;
  }
  const me = currentUser();
  if (a.notByRegistrant && me && record.created_by === `operator:${me.login_id}`) {
    return 'この支払はあなたが登録したため、別の運用者が承認します。';
  }
  return '';
}

// pageLinks lead to the update and statement screens while they apply.
function pageLinks(kind, record) {
  const links = [];
  if (record.status === 'draft') {
    links.push(el('a', { href: recordPath(kind.list, record.id, 'edit'), class: 'button',
      id: 'update-link' }, '更新'));
  }
  if (kind.kind === 'invoice' && record.status === 'void') {
    links.push(el('a', { href: withQuery(`${kind.list}/new`, { replaces: record.id }),
      class: 'button', id: 'correction-link' }, '訂正版を登録'));
  }
  // The statement is part of what the approver approves: it is registered
  // while the payment is a draft.
  if (kind.kind === 'payment' && record.status === 'draft') {
    links.push(el('a', { href: recordPath(kind.list, record.id, 'statement'), class: 'button',
      id: 'statement-link' }, '支払明細書登録'));
  }
  return links;
}

async function run({ kind, a, record, reload, status, buttons }) {
  const input = inputFor(a);
  replace(status);
  const confirmed = await confirmDialog({
    title: a.title,
    body: [summary(kind, record, a), el('p', {}, a.explain), input ? input.wrapper : null],
    confirmLabel: a.confirm,
    danger: Boolean(a.danger),
    initialFocus: input ? input.control : null,
    beforeConfirm: () => (input ? input.check() : true),
  });
  if (!confirmed) {
    return;
  }
  const enabled = buttons.filter((b) => !b.disabled);
  enabled.forEach((b) => { b.disabled = true; });
  replace(status, el('p', { role: 'status', class: 'loading' }, '送信中…'));
  const path = `${kind.api}/${encodeURIComponent(record.id)}/${a.action}`;
  const headers = { 'Idempotency-Key': newIdempotencyKey() };
  let updated;
  try {
    updated = await apiPost(path, requestBody(a, record, input), { headers });
  } catch (err) {
    if (err.handled) {
      return;
    }
    // The refused action stays disabled when only a reload can unblock it.
    const stale = staleCodes.includes(err.code);
    enabled.filter((b) => !stale || b.dataset.action !== a.action)
      .forEach((b) => { b.disabled = false; });
    replace(status, failure(kind, a, record, err, reload));
    return;
  }
  await reload(successNotice(a.done(updated)));
}

// requestBody is what an action sends: the dialog's input and, to approve,
// the amount the approver saw, which the API checks against the record's
// amount now, so that a change made meanwhile is not approved unseen.
function requestBody(a, record, input) {
  const body = input ? input.body() : {};
  return a.sendsAmount ? { ...body, amount: record.amount } : body;
}

// failure says beside the buttons why an action was refused and, when the
// record changed meanwhile, offers to load it again.
function failure(kind, a, record, err, reload) {
  let text = errorMessage(err);
  if (err.code === 'amount_changed') {
    text = `この${kind.noun}の金額は、画面を開いた後に変更されています（表示中の金額：`
      + `${yen(record.amount)}）。再読み込みして最新の金額を確認してから、もう一度${a.label}してください。`;
  } else if (err.code === 'document_missing') {
    text = `${kind.doc.label}がまだ添付されていないため${a.label}できません。`
      + `先に「${kind.doc.attach}」で${kind.doc.label}を登録してから、もう一度${a.label}してください。`;
  }
  const again = staleCodes.includes(err.code)
    ? el('button', { type: 'button', class: 'button', id: 'reload-record' }, '再読み込み')
    : null;
  if (again) {
    on(again, 'click', () => reload(null));
  }
  return el('div', { class: 'action-error', 'data-code': err.code },
    el('p', { class: 'notice notice-error', role: 'alert' }, text), again);
}

function summary(kind, record, a) {
  const pairs = [
    [kind.kind === 'invoice' ? '請求番号' : '支払ID', kind.name(record)],
    ['データブローカー', brokerLabel(record.broker_name, record.broker_id)],
  ];
  if (!a.sendsAmount) {
    pairs.push(['金額', yen(record.amount)]);
  }
  if (a.sign) {
    pairs.push(['清算残高への影響', amount(a.sign * record.amount)]);
  }
  return [details(pairs), a.sendsAmount ? amountToApprove(record) : null];
}

// amountToApprove shows, large, the amount an approval is for: the amount
// this page loaded, which the API checks is still the payment's.
function amountToApprove(record) {
  return el('div', { class: 'confirm-amount' },
    el('p', { class: 'confirm-amount-label' }, 'この金額で承認します'),
    el('p', { class: 'confirm-amount-value', id: 'approve-amount' }, yen(record.amount)),
    el('p', { class: 'field-hint' },
      '承認の直前に金額が変更されていた場合は承認されず、その旨をお知らせします。'));
}

// inputFor is the dialog's field: the day of payment or the reason to
// void. It checks itself and gives the request body.
function inputFor(a) {
  if (a.date) {
    const f = field(a.date, el('input', { type: 'date', name: 'paid_on', value: dateTodayJST(),
      required: true }), { hint: '清算明細の計上日になります。' });
    return {
      ...f,
      check: () => checked(f, isDate(f.control.value)
        ? '' : `${a.date}を YYYY-MM-DD の形で入力してください。`),
      body: () => ({ paid_on: f.control.value }),
    };
  }
  if (a.reason) {
    const f = field('取消の理由', el('input', { name: 'reason', maxlength: maxReasonLength,
      autocomplete: 'off', required: true }), { hint: `必須（${maxReasonLength}文字まで）` });
    return {
      ...f,
      check: () => checked(f, f.control.value.trim() ? '' : '取消の理由を入力してください。'),
      body: () => ({ reason: f.control.value.trim() }),
    };
  }
  return null;
}

function checked(f, problem) {
  f.setError(problem);
  if (problem) {
    f.control.focus();
  }
  return !problem;
}
