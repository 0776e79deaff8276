// The fields of the invoice and payment register and update screens, the
// checks made before the confirmation, and the API's refusals put beside
// the field they concern.

import { brokerOptions } from '../components/broker-picker.js';
import { field } from '../components/form.js';
import { pdfField } from '../components/pdf-field.js';
import { el } from '../dom.js';
import { errorMessage } from '../errors.js';
import { isDate, parseYen, yen } from '../format.js';

// The API's limits on a bill.
const maxAmount = 1_000_000_000_000;
const maxNoteLength = 1000;

function messages(kind) {
  return {
    broker: 'データブローカーを選んでください。',
    amount: `金額は1円以上、${yen(maxAmount)}以下の整数で入力してください。`,
    date: `${kind.date.label}を YYYY-MM-DD の形で入力してください。`,
    periodFormat: '対象期間を YYYY-MM-DD の形で入力してください（空欄でも構いません）。',
    periodOrder: '対象期間の終わりは、始まりと同じか後にしてください。',
    note: `備考は${maxNoteLength.toLocaleString('ja-JP')}文字までにしてください。`,
  };
}

// billFields builds the form's fields. Registering (record null) asks for
// the broker and the period too; updating a draft changes only its amount,
// date, note and PDF, as the API allows. brokers feed the picker; broker,
// when given, is chosen already (a correction keeps its invoice's broker).
export function billFields(kind, { brokers = [], record = null, broker = '' }) {
  const f = {
    amount: field('金額（円）', el('input', {
      name: 'amount', class: 'input-amount', inputmode: 'numeric', autocomplete: 'off',
      required: true, value: record ? String(record.amount) : '',
    }), { hint: '1円以上の整数。カンマは付けても付けなくても構いません。' }),
    date: field(kind.date.label, el('input', {
      type: 'date', name: kind.date.name, required: true,
      value: record ? record[kind.date.name] : '',
    }), { hint: kind.date.hint }),
    note: field('備考（任意）', el('textarea', { name: 'note', rows: 3, maxlength: maxNoteLength },
      record ? record.note : ''), { hint: `${maxNoteLength.toLocaleString('ja-JP')}文字まで` }),
    pdf: pdfField(`${kind.doc.label}（PDF、6MBまで）`, {
      name: kind.doc.name,
      hint: record
        ? `差し替える場合だけ選んでください。選ばなければ今の${kind.doc.label}のままです。`
        : `${kind.kind === 'invoice' ? '発行' : '承認'}までに必要です。後から登録もできます。`,
    }),
  };
  if (!record) {
    f.broker = field('データブローカー', el('select', {
      name: 'broker_id', required: true, disabled: Boolean(broker),
    }, brokerOptions(brokers, broker)));
    f.periodFrom = field('対象期間（開始・任意）', el('input', { type: 'date', name: 'period_from' }));
    f.periodTo = field('対象期間（終了・任意）', el('input', { type: 'date', name: 'period_to' }));
  }
  return f;
}

// billFieldNodes lays the fields out in the form's order.
export function billFieldNodes(f) {
  const period = f.periodFrom
    ? el('div', { class: 'field-row' }, f.periodFrom.wrapper, f.periodTo.wrapper) : null;
  return [f.broker ? f.broker.wrapper : null, f.amount.wrapper, f.date.wrapper, period,
    f.note.wrapper, f.pdf.wrapper];
}

// readBill checks the fields, shows an error beside each one that breaks a
// rule and moves focus to the first. It resolves to {input, file} — the
// request body and the chosen PDF ({name, size} or null) — or to null.
export async function readBill(kind, f) {
  const m = messages(kind);
  const n = parseYen(f.amount.control.value);
  const input = { amount: n, [kind.date.name]: f.date.control.value };
  const note = f.note.control.value.trim();
  const problems = [
    [f.amount, n !== null && n > 0 && n <= maxAmount ? '' : m.amount],
    [f.date, isDate(input[kind.date.name]) ? '' : m.date],
    [f.note, note.length <= maxNoteLength ? '' : m.note],
  ];
  if (f.broker) {
    input.broker_id = f.broker.control.value;
    problems.unshift([f.broker, input.broker_id ? '' : m.broker]);
    problems.push(...periodProblems(f, input, m));
  }
  input.note = note;
  let first = null;
  for (const [item, message] of problems) {
    item.setError(message);
    first = first || (message ? item.control : null);
  }
  const pdf = await f.pdf.read();
  first = first || (pdf && pdf.problem ? f.pdf.control : null);
  if (first) {
    first.focus();
    return null;
  }
  if (pdf) {
    input[kind.doc.name] = pdf.base64;
  }
  return { input, file: pdf ? { name: pdf.name, size: pdf.size } : null };
}

// periodProblems checks the optional period and adds it to input.
function periodProblems(f, input, m) {
  const from = f.periodFrom.control.value;
  const to = f.periodTo.control.value;
  if (from) {
    input.period_from = from;
  }
  if (to) {
    input.period_to = to;
  }
  return [
    [f.periodFrom, !from || isDate(from) ? '' : m.periodFormat],
    [f.periodTo, (!to || isDate(to) ? '' : m.periodFormat)
      || (from && to && from > to ? m.periodOrder : '')],
  ];
}

// showBillError puts the API's refusal beside the field it concerns and
// reports whether it found one; the caller shows other errors on top.
export function showBillError(kind, f, err) {
  const target = fieldFor(f, err);
  if (!target) {
    return false;
  }
  const m = messages(kind);
  const known = {
    [f.amount.control.name]: m.amount, [kind.date.name]: m.date, note: m.note,
  };
  const text = err.code === 'invalid_bill' && known[target.control.name]
    ? known[target.control.name] : errorMessage(err);
  target.setError(text);
  target.control.focus();
  return true;
}

// fieldFor finds the field an error concerns: PDF errors by code, the
// API's invalid_bill by the field its message starts with.
function fieldFor(f, err) {
  if (err.code === 'invalid_document' || err.code === 'document_too_large') {
    return f.pdf;
  }
  if (err.code !== 'invalid_bill') {
    return null;
  }
  const byPrefix = [
    ['broker_id', f.broker], ['no data broker', f.broker], ['amount', f.amount],
    ['due_date', f.date], ['scheduled_on', f.date], ['date', f.date],
    ['period_from', f.periodFrom], ['period_to', f.periodTo], ['note', f.note],
  ];
  const hit = byPrefix.find(([prefix, target]) => target && err.message.startsWith(prefix));
  return hit ? hit[1] : null;
}
