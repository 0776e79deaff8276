// 請求書登録 / 支払登録 and 請求書更新 / 支払更新: enter, confirm, done, as
// the basic design's three screens. Registering makes a draft; updating
// changes a draft's amount, date, note or PDF.

import { apiGet, apiPatch, apiPost, newIdempotencyKey } from '../api.js';
import { fetchBrokers } from '../components/broker-picker.js';
import { formError } from '../components/form.js';
import {
  emptyState, errorNotice, infoNotice, messageNotice, successNotice,
} from '../components/notice.js';
import { stepButtons, stepFlow } from '../components/steps.js';
import { details } from '../components/table.js';
import { el, on } from '../dom.js';
import { brokerLabel, fileSize, period, yen } from '../format.js';
import { recordPath } from '../paths.js';
import { billFieldNodes, billFields, readBill, showBillError } from './bill-form.js';
import { statusBadge } from './bill-kinds.js';

// billRegister returns the view of kind's register screen. An invoice's
// correction names the void invoice it replaces in ?replaces=.
export function billRegister(kind) {
  return async ({ root, query, setTitle }) => {
    const brokers = await fetchBrokers();
    const replaced = kind.kind === 'invoice' ? await voidInvoice(query.get('replaces')) : null;
    const f = billFields(kind, { brokers, broker: replaced ? replaced.broker_id : '' });
    const flow = stepFlow(root, { titles: kind.registerTitles, setTitle });
    const intro = replaced ? infoNotice(`取り消した請求書 ${replaced.number || replaced.id}`
      + ' の訂正版として登録します。データブローカーは元の請求書と同じです。') : null;
    runFlow({
      kind, f, flow, intro,
      extra: replaced ? { replaces: replaced.id } : {},
      send: (input, headers) => apiPost(kind.api, input, { headers }),
      confirmPairs: (input, file) => newPairs(kind, input, file, brokers, replaced),
      submitLabel: '登録する',
      done: () => `${kind.noun}を登録しました。状態は「下書き」です。`,
      again: true,
    });
  };
}

// billUpdate returns the view of kind's update screen for a draft.
export function billUpdate(kind) {
  return async ({ root, params, setTitle }) => {
    const data = await apiGet(`${kind.api}/${encodeURIComponent(params.id)}`);
    const record = data[kind.key];
    const back = el('p', {}, el('a', { href: recordPath(kind.list, record.id) },
      `${kind.noun}の詳細へ戻る`));
    if (record.status !== 'draft') {
      root.append(back, emptyState(`この${kind.noun}は下書きではないため、更新できません。`,
        '発行や承認の後に誤りが見つかったときは、取り消してから登録し直してください。'));
      return;
    }
    const f = billFields(kind, { record });
    const flow = stepFlow(root, { titles: kind.updateTitles, setTitle });
    runFlow({
      kind, f, flow, intro: el('div', {}, back, details(fixedPairs(kind, record))),
      extra: {},
      send: (input, headers) => apiPatch(`${kind.api}/${encodeURIComponent(record.id)}`, input,
        { headers }),
      confirmPairs: (input, file) => changePairs(kind, record, input, file),
      submitLabel: '更新する',
      done: () => `${kind.noun}を更新しました。`,
    });
  };
}

// runFlow shows the form; 確認へ進む checks it and shows the confirmation,
// whose button sends it and shows the done screen. A refusal that concerns
// a field returns to the form with the message beside it.
function runFlow(o) {
  const errors = formError();
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認へ進む');
  const form = el('form', { class: 'form bill-form', novalidate: true },
    errors.box, billFieldNodes(o.f), el('div', { class: 'form-actions' }, submit));
  const page = el('div', {}, o.intro, form);
  on(form, 'submit', async (event) => {
    event.preventDefault();
    errors.clear();
    submit.disabled = true;
    const read = await readBill(o.kind, o.f);
    submit.disabled = false;
    if (!read) {
      return;
    }
    const pairs = o.confirmPairs(read.input, read.file);
    if (!pairs) {
      errors.show(messageNotice('変更された項目がありません。変える項目を入力してください。'));
      return;
    }
    o.flow.show(1, confirmation(o, { ...read.input, ...o.extra }, pairs, page, errors));
  });
  o.flow.show(0, page);
}

function confirmation(o, input, pairs, page, formErrors) {
  const box = formError();
  const { back, submit, row } = stepButtons(o.submitLabel);
  // One key per confirmation: sending again after a failure reuses it.
  // TODO: the API does not honour Idempotency-Key for invoices and payments
  // yet, so a registration resent after a lost answer can make a second
  // draft (to be voided by hand); the key is sent so that it counts once
  // the API reads it.
  const headers = { 'Idempotency-Key': newIdempotencyKey() };
  on(back, 'click', () => o.flow.show(0, page));
  on(submit, 'click', async () => {
    box.clear();
    submit.disabled = true;
    let saved;
    try {
      saved = await o.send(input, headers);
    } catch (err) {
      submit.disabled = false;
      if (err.handled) {
        return;
      }
      if (showBillError(o.kind, o.f, err)) {
        formErrors.show(messageNotice('入力内容を確認してください。'));
        o.flow.showInvalid(page);
        return;
      }
      box.show(errorNotice(err));
      return;
    }
    o.flow.show(2, doneView(o, saved));
  });
  return el('div', { class: 'confirm-step' },
    el('p', {}, `次の内容で送信します。よろしければ「${o.submitLabel}」を押してください。`),
    box.box, details(pairs), row);
}

// newPairs are the confirmation of a registration.
function newPairs(kind, input, file, brokers, replaced) {
  const broker = brokers.find((b) => b.id === input.broker_id);
  return [
    ['データブローカー', brokerLabel(broker ? broker.name : '', input.broker_id)],
    ['金額', yen(input.amount)],
    [kind.date.label, input[kind.date.name]],
    ['対象期間', period(input.period_from, input.period_to) || '（指定なし）'],
    ['備考', input.note || '（なし）'],
    [kind.doc.label, file ? fileText(file) : '（なし：後から登録します）'],
    ['訂正元の請求書', replaced ? replaced.number || replaced.id : ''],
  ];
}

// changePairs are the confirmation of an update: each field before and
// after, or null when nothing changed.
function changePairs(kind, record, input, file) {
  const rows = [
    ['金額', yen(record.amount), yen(input.amount)],
    [kind.date.label, record[kind.date.name], input[kind.date.name]],
    ['備考', record.note || '（なし）', input.note || '（なし）'],
    [kind.doc.label, kind.doc.present(record) ? '登録済み' : '（なし）',
      file ? `${fileText(file)} に差し替え` : null],
  ];
  const changed = rows.filter(([, before, after]) => after !== null && before !== after);
  if (changed.length === 0) {
    return null;
  }
  return rows.map(([label, before, after]) => {
    if (after === null || before === after) {
      return [label, `${before}（変更なし）`];
    }
    return [label, el('span', { class: 'change-line' },
      el('span', { class: 'change-before' }, before), ' → ',
      el('span', { class: 'change-after' }, after))];
  });
}

// fixedPairs are what an update cannot change, shown above its form.
function fixedPairs(kind, record) {
  return [
    [kind.kind === 'invoice' ? '請求ID' : '支払ID', record.id],
    ['状態', statusBadge(kind, record.status)],
    ['データブローカー', brokerLabel(record.broker_name, record.broker_id)],
    ['対象期間', period(record.period_from, record.period_to)],
  ];
}

function fileText(file) {
  return `${file.name}（${fileSize(file.size)}）`;
}

// doneView says the record was saved and leads on: to its page, to the
// list and, after a registration, to registering another.
function doneView(o, saved) {
  const { kind } = o;
  const notice = successNotice(o.done(saved));
  return el('div', { class: 'done-step' }, notice,
    details([
      [kind.kind === 'invoice' ? '請求ID' : '支払ID', saved.id],
      ['状態', statusBadge(kind, saved.status)],
      ['データブローカー', brokerLabel(saved.broker_name, saved.broker_id)],
      ['金額', yen(saved.amount)],
      [kind.date.label, saved[kind.date.name]],
      [kind.doc.label, kind.doc.present(saved) ? '登録済み' : '未登録'],
    ]),
    el('div', { class: 'button-row' },
      el('a', { href: recordPath(kind.list, saved.id), class: 'button button-primary',
        id: 'done-detail' }, `${kind.noun}の詳細へ`),
      el('a', { href: kind.list, class: 'button' }, `${kind.listTitle}へ戻る`),
      o.again ? el('a', { href: `${kind.list}/new`, class: 'button' }, '続けて登録する') : null));
}

// voidInvoice loads the invoice a correction replaces: it must be void.
async function voidInvoice(id) {
  if (!id) {
    return null;
  }
  const data = await apiGet(`/invoices/${encodeURIComponent(id)}`);
  return data.invoice.status === 'void' ? data.invoice : null;
}
