// 取引先登録 and 取引先更新: enter, confirm, done. An update sends the whole
// record, as the API replaces it; the confirmation marks what changed.

import { apiGet, apiPatch, apiPost } from '../api.js';
import { formError } from '../components/form.js';
import { errorNotice, messageNotice, successNotice } from '../components/notice.js';
import { stepButtons, stepFlow } from '../components/steps.js';
import { details } from '../components/table.js';
import { el, on } from '../dom.js';
import { recordPath } from '../paths.js';
import {
  accountTypeLabel, buildFields, counterpartyFields, fieldGroups, readCounterparty,
  showCounterpartyErrors,
} from './counterparty-fields.js';

// renderCounterpartyRegister draws the registration screen.
export function renderCounterpartyRegister({ root, setTitle }) {
  run({
    root, setTitle, record: null,
    titles: ['取引先登録', '取引先登録確認', '取引先登録完了'],
    send: (input) => apiPost('/counterparties', input),
    submitLabel: '登録する',
    done: (c) => `取引先「${c.name}」を登録しました。`,
  });
}

// renderCounterpartyUpdate draws the update screen of the counterparty in
// the URL.
export async function renderCounterpartyUpdate({ root, params, setTitle }) {
  const data = await apiGet(`/counterparties/${encodeURIComponent(params.id)}`);
  const record = data.counterparty;
  run({
    root, setTitle, record,
    titles: ['取引先更新', '取引先更新確認', '取引先更新完了'],
    send: (input) => apiPatch(`/counterparties/${encodeURIComponent(record.id)}`, input),
    submitLabel: '更新する',
    done: (c) => `取引先「${c.name}」を更新しました。`,
  });
}

function run(o) {
  const f = buildFields(o.record);
  const errors = formError();
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認へ進む');
  const form = el('form', { class: 'form counterparty-form', novalidate: true },
    errors.box, fieldGroups(f), el('div', { class: 'form-actions' }, submit));
  const back = o.record
    ? el('p', {}, el('a', { href: recordPath('/counterparties', o.record.id) }, '取引先の詳細へ戻る'),
      `（取引先ID：${o.record.id}。IDは変更できません）`)
    : null;
  const page = el('div', {}, back, form);
  const flow = stepFlow(o.root, { titles: o.titles, setTitle: o.setTitle });
  on(form, 'submit', (event) => {
    event.preventDefault();
    errors.clear();
    const input = readCounterparty(f);
    if (!input) {
      return;
    }
    if (o.record && !changed(o.record, input)) {
      errors.show(messageNotice('変更された項目がありません。変える項目を入力してください。'));
      return;
    }
    flow.show(1, confirmation({ ...o, f, flow, page, errors, input }));
  });
  flow.show(0, page);
}

function changed(record, input) {
  return Object.keys(input).some((name) => (record[name] || '') !== input[name]);
}

function confirmation(o) {
  const box = formError();
  const { back, submit, row } = stepButtons(o.submitLabel);
  on(back, 'click', () => o.flow.show(0, o.page));
  on(submit, 'click', async () => {
    box.clear();
    submit.disabled = true;
    let saved;
    try {
      saved = await o.send(o.input);
    } catch (err) {
      submit.disabled = false;
      if (err.handled) {
        return;
      }
      if (showCounterpartyErrors(o.f, err)) {
        o.errors.show(messageNotice('入力内容に誤りがあります。各項目のメッセージを確認してください。'));
        o.flow.showInvalid(o.page);
        return;
      }
      box.show(errorNotice(err));
      return;
    }
    o.flow.show(2, done(o, saved));
  });
  return el('div', { class: 'confirm-step' },
    el('p', {}, `次の内容で送信します。よろしければ「${o.submitLabel}」を押してください。`),
    box.box, details(confirmPairs(o.record, o.input)), row);
}

// confirmPairs list every field; on an update, a changed one shows its
// value before and after.
function confirmPairs(record, input) {
  const shown = (name, value) => (name === 'account_type' ? accountTypeLabel(value) : value)
    || '（空欄）';
  const pairs = record ? [['取引先ID', record.id]] : [];
  for (const spec of counterpartyFields.filter((s) => s.name in input)) {
    const after = shown(spec.name, input[spec.name]);
    const before = record ? shown(spec.name, record[spec.name] || '') : after;
    pairs.push([spec.label, before === after ? after : el('span', { class: 'change-line' },
      el('span', { class: 'change-before' }, before), ' → ',
      el('span', { class: 'change-after' }, after))]);
  }
  return pairs;
}

function done(o, saved) {
  return el('div', { class: 'done-step' },
    successNotice(o.done(saved)),
    details([['取引先ID', saved.id], ['名称', saved.name]]),
    el('div', { class: 'button-row' },
      el('a', { href: recordPath('/counterparties', saved.id), class: 'button button-primary',
        id: 'done-detail' }, '取引先の詳細へ'),
      el('a', { href: '/counterparties', class: 'button' }, '取引先管理へ戻る')));
}
