// The 今すぐ締める and 一括締め forms: enter the month or months, confirm,
// start the closing, then follow it until it is done.

import { apiPost } from '../api.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { field, formError } from '../components/form.js';
import { errorNotice } from '../components/notice.js';
import { el, on, replace } from '../dom.js';
import { errorMessage } from '../errors.js';
import { addMonths, fiscalLabel, isMonth, monthJST, monthSpan } from '../format.js';
import { followClosing } from './closing-progress.js';

// maxBackfillMonths is the API's limit on one 一括締め.
const maxBackfillMonths = 120;

const monthFormat = '月を YYYY-MM の形で入力してください（例：2023-09）。';

const irreversible = '締めた月の収支は後から変更できません。'
  + '締めの後に届いた取引は、次の締めで調整として計上されます。';

// closeNowForm closes one month that has ended, showing the closing's
// progress and result in progress. It returns the form and clear, which
// takes its error messages away. closed lists the months already closed;
// onStarted runs once the API has started the closing; onFinished once it
// is over, with the months it closed (to reload the list of closed months).
export function closeNowForm({ progress, closed, onStarted, onFinished }) {
  const month = monthField('対象月', 'month', addMonths(monthJST(), -1));
  return closingForm([month], progress, async (errors, submit) => {
    const m = month.control.value;
    if (!checkMonths([month]) || !checkClosable(month, closed)) {
      return;
    }
    if (!(await confirmDialog(closeNowConfirmation(m)))) {
      return;
    }
    const onError = (err) => showError(err, errors, { month, other: month });
    await startClosing({ body: { month: m }, submit, progress, onError, onStarted, onFinished });
  });
}

// backfillForm closes every month from one to another, oldest first; the
// months already closed stay as they are. It takes and returns what
// closeNowForm does.
export function backfillForm({ progress, closed, onStarted, onFinished }) {
  const from = monthField('開始月', 'from', '');
  const to = monthField('終了月', 'to', addMonths(monthJST(), -1));
  return closingForm([from, to], progress, async (errors, submit) => {
    if (!checkMonths([from, to]) || !checkRange(from, to) || !checkBackfill(from, to, closed)) {
      return;
    }
    const body = { from: from.control.value, to: to.control.value };
    const skipped = monthsBetween(body.from, body.to).filter((m) => closed.has(m)).length;
    if (!(await confirmDialog(backfillConfirmation(body.from, body.to, skipped)))) {
      return;
    }
    const onError = (err) => showError(err, errors, { from, to, other: from });
    await startClosing({ body, submit, progress, onError, onStarted, onFinished });
  });
}

// closingForm lays out fields with a 確認へ進む button and a place for
// errors; a new submission clears progress, and onSubmit does the rest.
function closingForm(fields, progress, onSubmit) {
  const errors = formError();
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認へ進む');
  const form = el('form', { class: 'form', novalidate: true },
    errors.box, el('div', { class: 'field-row' }, fields.map((f) => f.wrapper)),
    el('div', { class: 'form-actions' }, submit));
  on(form, 'submit', async (event) => {
    event.preventDefault();
    errors.clear();
    replace(progress);
    await onSubmit(errors, submit);
  });
  const clear = () => {
    errors.clear();
    fields.forEach((f) => f.setError(''));
  };
  return { form, clear };
}

function monthField(label, name, value) {
  return field(label, el('input', {
    type: 'month', name, value, required: true, placeholder: 'YYYY-MM',
  }), { hint: '例：2023-09' });
}

// checkMonths shows an error beside each month that is not YYYY-MM and
// moves focus to the first.
function checkMonths(fields) {
  let first = null;
  for (const f of fields) {
    const problem = isMonth(f.control.value) ? '' : monthFormat;
    f.setError(problem);
    first = first || (problem ? f.control : null);
  }
  if (first) {
    first.focus();
  }
  return first === null;
}

function checkRange(from, to) {
  const span = monthSpan(from.control.value, to.control.value);
  let problem = '';
  if (span < 1) {
    problem = '開始月は終了月と同じか、それより前にしてください。';
  } else if (span > maxBackfillMonths) {
    problem = `一度に締められるのは${maxBackfillMonths}か月までです。`;
  }
  return checked(from, problem);
}

// checkClosable refuses, before asking to confirm, a month that has not
// ended in Japan yet or that the list shows closed. The API checks both
// again, with its own clock.
function checkClosable(month, closed) {
  const m = month.control.value;
  let problem = '';
  if (m >= monthJST()) {
    problem = errorMessage({ code: 'month_not_ended' });
  } else if (closed.has(m)) {
    problem = errorMessage({ code: 'already_closed' });
  }
  return checked(month, problem);
}

// checkBackfill refuses a range that ends in a month not over yet, or
// whose months are all closed already.
function checkBackfill(from, to, closed) {
  if (to.control.value >= monthJST()) {
    return checked(to, errorMessage({ code: 'month_not_ended' }));
  }
  const months = monthsBetween(from.control.value, to.control.value);
  const open = months.filter((m) => !closed.has(m));
  const problem = open.length === 0
    ? 'この範囲の月はすべて締め済みです。締め済みの一覧で結果を確認できます。' : '';
  return checked(to, problem);
}

// checked shows problem beside f ("" clears it), moves focus there when
// there is one, and reports whether there was none.
function checked(f, problem) {
  f.setError(problem);
  if (problem) {
    f.control.focus();
  }
  return !problem;
}

// monthsBetween lists the months from one to another, both included.
function monthsBetween(from, to) {
  const span = Math.max(0, monthSpan(from, to));
  return Array.from({ length: span }, (_, i) => addMonths(from, i));
}

function closeNowConfirmation(month) {
  const label = fiscalLabel(month);
  const postedOn = `${addMonths(month, 1)}-01`;
  return {
    title: `${label}（${month}）を締めますか？`,
    body: [
      el('p', {}, `各データブローカーの${label}の収支を確定し、清算明細に`
        + `「${label}取引収支」を${postedOn}付で計上します。`),
      el('p', {}, irreversible),
    ],
    confirmLabel: '締める',
  };
}

function backfillConfirmation(from, to, skipped) {
  const span = monthSpan(from, to);
  return {
    title: `${from}〜${to}（${span}か月）を締めますか？`,
    body: [
      el('p', {}, 'まだ締めていない月を古い順に1か月ずつ締め、清算明細に各月の取引収支を'
        + '翌月1日付で計上します。締め済みの月はそのままで、二重に計上されることはありません。'),
      skipped > 0 ? el('p', {}, `この範囲のうち${skipped}か月は締め済みのため、そのままです。`) : null,
      el('p', {}, irreversible),
    ],
    confirmLabel: '一括で締める',
  };
}

// startClosing asks the API to close, then follows the closing in
// progress. A refusal goes to onError; the button stays disabled until
// the closing is over, so that it is not started twice.
async function startClosing({ body, submit, progress, onError, onStarted, onFinished }) {
  submit.disabled = true;
  replace(progress, el('p', { role: 'status', class: 'loading' }, '締め処理を開始しています…'));
  let started;
  try {
    started = await apiPost('/closings', body);
  } catch (err) {
    submit.disabled = false;
    replace(progress);
    onError(err);
    return;
  }
  onStarted();
  let closedNow = [];
  try {
    closedNow = await followClosing(progress, started.months || [started.month],
      started.workflow_url);
  } finally {
    submit.disabled = false;
  }
  await onFinished(closedNow);
}

// showError puts the API's refusal beside the month it concerns: a month
// that has not ended is the last one asked for; an invalid parameter names
// its field first ("from must be YYYY-MM"). Other errors go on top.
function showError(err, errors, fields) {
  if (err.handled) {
    return;
  }
  let target = null;
  if (err.code === 'already_closed' || err.code === 'month_not_ended') {
    target = fields.to || fields.month;
  } else if (err.code === 'invalid_parameter') {
    const name = ['month', 'from', 'to'].find((n) => err.message.startsWith(n));
    target = fields[name] || fields.other;
  }
  if (!target) {
    errors.show(errorNotice(err));
    return;
  }
  const badMonth = err.code === 'invalid_parameter' && err.message.includes('YYYY-MM');
  const text = badMonth ? monthFormat : errorMessage(err);
  target.setError(text);
  target.control.focus();
}
