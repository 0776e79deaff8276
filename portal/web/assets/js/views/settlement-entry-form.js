// 入金・出金の記録: an operator records a collection (払い込み, the broker
// paid the clearing house) or a payout (引き出し, the clearing house paid
// the broker) outside invoices: enter, confirm, done.

import { apiPost, newIdempotencyKey } from '../api.js';
import { amount } from '../components/amount.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { field, formError } from '../components/form.js';
import { errorNotice, successNotice } from '../components/notice.js';
import { details } from '../components/table.js';
import { el, on } from '../dom.js';
import { brokerLabel, dateTodayJST, isDate, parseYen, yen } from '../format.js';
import { maxReasonLength } from './settlement-reversal.js';

// maxAmount is the API's largest single entry, in yen.
const maxAmount = 1_000_000_000_000;

// kinds are the two entries, with their sign on the settlement balance.
const kinds = {
  collection: { label: '払い込み', sign: 1, hint: 'データブローカー → 清算機関、残高 +' },
  payout: { label: '引き出し', sign: -1, hint: '清算機関 → データブローカー、残高 -' },
};

// messages say what is wrong with each field, for the checks here and for
// the API's invalid_entry refusals (whose messages start with the field).
const messages = {
  kind: '種別（払い込み・引き出し）を選んでください。',
  amount: `金額は1円以上、${yen(maxAmount)}以下の整数で入力してください。`,
  date: '日付を YYYY-MM-DD の形で入力してください。',
  reason: `理由を入力してください（${maxReasonLength}文字まで）。`,
};

// entryForm returns the form for broker. balance() is the settlement
// balance now, for the confirmation's forecast; onRecorded gets the
// message that an entry was recorded, to show with the reloaded ledger.
export function entryForm({ broker, balance, onRecorded }) {
  const f = fields();
  const errors = formError();
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認へ進む');
  const form = el('form', { class: 'form', novalidate: true },
    errors.box, f.kind.wrapper, f.amount.wrapper, f.date.wrapper, f.reason.wrapper,
    el('div', { class: 'form-actions' }, submit));
  const retry = { body: '', key: '' };

  on(form, 'submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const input = checkInput(f, broker);
    if (!input || !(await confirmDialog(confirmation(input, broker, balance())))) {
      return;
    }
    const headers = { 'Idempotency-Key': keyFor(retry, input) };
    submit.disabled = true;
    try {
      await apiPost('/settlements', input, { headers });
    } catch (err) {
      submit.disabled = false;
      showServerError(f, errors, err);
      return;
    }
    retry.body = '';
    resetForm(form, f);
    submit.disabled = false;
    await onRecorded(recorded(input));
  });
  return form;
}

// keyFor returns the Idempotency-Key for a submission: the same key when
// the same entry is sent again after a failure (so that it is recorded
// once even if the first attempt did reach the server), a new one for a
// different entry.
function keyFor(retry, input) {
  const body = JSON.stringify(input);
  if (retry.body !== body) {
    retry.body = body;
    retry.key = newIdempotencyKey();
  }
  return retry.key;
}

function fields() {
  const kindOptions = Object.entries(kinds).map(([value, k]) =>
    el('option', { value }, `${k.label}（${k.hint}）`));
  return {
    kind: field('種別', el('select', { name: 'kind', required: true },
      el('option', { value: '' }, '選択してください'), kindOptions)),
    amount: field('金額（円）', el('input', {
      name: 'amount', class: 'input-amount', inputmode: 'numeric', autocomplete: 'off',
      required: true,
    }), { hint: '1円以上の整数。カンマは付けても付けなくても構いません。' }),
    date: field('日付', el('input', {
      type: 'date', name: 'date', value: dateTodayJST(), required: true,
    }), { hint: '入金・出金のあった日（更新日として表示されます）' }),
    reason: field('理由', el('input', {
      name: 'reason', maxlength: maxReasonLength, autocomplete: 'off', required: true,
    }), { hint: `必須（${maxReasonLength}文字まで）。例：10月分の振込を確認` }),
  };
}

// checkInput shows an error beside each field that breaks a rule, moves
// focus to the first one, and returns the request body or null.
function checkInput(f, broker) {
  const n = parseYen(f.amount.control.value);
  const input = {
    broker_id: broker.id,
    kind: f.kind.control.value,
    amount: n,
    date: f.date.control.value,
    reason: f.reason.control.value.trim(),
  };
  const problems = [
    [f.kind, kinds[input.kind] ? '' : messages.kind],
    [f.amount, n !== null && n > 0 && n <= maxAmount ? '' : messages.amount],
    [f.date, isDate(input.date) ? '' : messages.date],
    [f.reason, input.reason ? '' : messages.reason],
  ];
  let first = null;
  for (const [item, message] of problems) {
    item.setError(message);
    first = first || (message ? item.control : null);
  }
  if (first) {
    first.focus();
    return null;
  }
  return input;
}

function confirmation(input, broker, balance) {
  const kind = kinds[input.kind];
  const effect = kind.sign * input.amount;
  const pairs = [
    ['データブローカー', brokerLabel(broker.name, broker.id)],
    ['種別', `${kind.label}（${kind.hint}）`],
    ['金額', yen(input.amount)],
    ['清算残高への影響', amount(effect)],
    ['日付', input.date],
    ['理由', input.reason],
  ];
  if (balance !== null) {
    pairs.push(['記録後の清算残高', amount(balance + effect)]);
  }
  return { title: `この${kind.label}を記録しますか？`, body: details(pairs), confirmLabel: '記録する' };
}

function resetForm(form, f) {
  form.reset();
  f.date.control.value = dateTodayJST();
}

function recorded(input) {
  const kind = kinds[input.kind];
  return successNotice(
    `${kind.label} ${yen(input.amount)}（${input.date}）を記録しました。清算明細に追加されています。`);
}

// showServerError puts the API's refusal beside the field it concerns, or
// at the top of the form.
function showServerError(f, errors, err) {
  if (err.handled) {
    return;
  }
  const byName = { kind: f.kind, amount: f.amount, date: f.date, reason: f.reason };
  const name = err.code === 'invalid_entry'
    ? Object.keys(byName).find((n) => err.message.startsWith(n))
    : '';
  if (!name) {
    errors.show(errorNotice(err));
    return;
  }
  byName[name].setError(messages[name]);
  byName[name].control.focus();
}
