// The fields of a counterparty (取引先): their labels, the checks made in
// the browser, and the API's per-field refusals shown beside each field.
// The browser checks what the API checks (see counterparty-rules.js), so
// mistakes show before the confirmation; the API checks again, and its
// refusals show beside their fields too.

import { field } from '../components/form.js';
import {
  isEmail, isKana, isPlainText, isRegistrationNumber, registrationCheckDigitOK,
} from '../counterparty-rules.js';
import { el } from '../dom.js';

// accountTypes are the kinds of bank account, as the API names them.
export const accountTypes = [
  { value: 'ordinary', label: '普通' },
  { value: 'current', label: '当座' },
  { value: 'savings', label: '貯蓄' },
];

// accountTypeLabel names an account type in Japanese.
export function accountTypeLabel(value) {
  const t = accountTypes.find((x) => x.value === value);
  return t ? t.label : value;
}

// counterpartyFields lists every field: name as the API spells it, label,
// hint, the group it is shown in, the form the browser checks (problem,
// which says what is wrong with a value or "", else pattern), whether it holds
// digits (numeric), and the message shown when the value is refused.
export const counterpartyFields = [
  {
    name: 'id', label: '取引先ID（データブローカーID）', group: 'basic', required: true,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, maxlength: 64,
    hint: '半角英数字と _ - で64文字まで（先頭は英数字）。登録後は変更できません。',
    message: '取引先IDは半角英数字と _ - で64文字までにしてください（先頭は英数字）。',
  },
  {
    name: 'name', label: '名称', group: 'basic', required: true, maxlength: 200,
    problem: (v) => (isPlainText(v) ? '' : '名称に制御文字や見えない文字は使えません。'),
    message: '名称を入力してください（200文字まで）。',
  },
  {
    name: 'name_kana', label: '名称（カナ）', group: 'basic', maxlength: 100,
    problem: (v) => (isKana(v) ? '' : '名称（カナ）は全角カタカナで入力してください。'),
    hint: '全角カタカナ（任意）', message: '名称（カナ）は全角カタカナで入力してください。',
  },
  {
    name: 'registration_number', label: '登録番号（適格請求書発行事業者）', group: 'basic',
    pattern: /^T\d{13}$/, problem: registrationProblem, maxlength: 14,
    hint: 'T と13桁の数字（任意）。例：T7123456789012',
    message: '登録番号は T と13桁の数字で、正しい番号を入力してください（チェック用の数字が合いません）。',
  },
  {
    name: 'postal_code', label: '郵便番号', group: 'contact', pattern: /^\d{3}-?\d{4}$/,
    maxlength: 8, numeric: true, hint: '例：100-0001',
    message: '郵便番号は 100-0001 の形で入力してください。',
  },
  {
    name: 'address', label: '住所', group: 'contact', maxlength: 300,
    problem: (v) => (isPlainText(v) ? '' : '住所に制御文字や見えない文字は使えません。'),
    message: '住所は300文字までにしてください。',
  },
  {
    name: 'billing_email', label: '請求先メールアドレス', group: 'contact', type: 'email',
    problem: (v) => (isEmail(v) ? ''
      : 'メールアドレスの形式が正しくありません（例：billing@example.co.jp）。'),
    hint: '請求書の発行や督促の連絡先', message: 'メールアドレスの形式が正しくありません。',
  },
  {
    name: 'bank_code', label: '銀行コード', group: 'bank', pattern: /^\d{4}$/, maxlength: 4,
    numeric: true, hint: '4桁の数字', message: '銀行コードは4桁の数字で入力してください。',
  },
  {
    name: 'branch_code', label: '支店コード', group: 'bank', pattern: /^\d{3}$/, maxlength: 3,
    numeric: true, hint: '3桁の数字', message: '支店コードは3桁の数字で入力してください。',
  },
  {
    name: 'account_type', label: '口座種別', group: 'bank', choices: accountTypes,
    message: '口座種別を選んでください（普通・当座・貯蓄）。',
  },
  {
    name: 'account_number', label: '口座番号', group: 'bank', pattern: /^\d{7}$/, maxlength: 7,
    numeric: true, hint: '7桁の数字', message: '口座番号は7桁の数字で入力してください。',
  },
  {
    name: 'account_holder_kana', label: '口座名義（カナ）', group: 'bank', maxlength: 100,
    problem: (v) => (isKana(v) ? '' : '口座名義は全角カタカナで入力してください。'),
    hint: '全角カタカナ', message: '口座名義は全角カタカナで入力してください。',
  },
];

// registrationProblem tells a number of the wrong form from one whose check
// digit does not match.
function registrationProblem(value) {
  if (!isRegistrationNumber(value)) {
    return '登録番号は T と13桁の数字で入力してください（例：T7123456789012）。';
  }
  return registrationCheckDigitOK(value) ? ''
    : '登録番号のチェック用の数字（T の次の1桁）が合いません。番号を確かめてください。';
}

const groups = [
  { id: 'basic', legend: '基本情報' },
  { id: 'contact', legend: '所在地・連絡先' },
  { id: 'bank', legend: '振込先口座' },
];

// buildFields makes the form's fields, filled from record when given. The
// id is asked only when registering.
export function buildFields(record) {
  const f = {};
  for (const spec of counterpartyFields) {
    if (spec.name === 'id' && record) {
      continue;
    }
    const value = record ? record[spec.name] || '' : '';
    const label = spec.required ? `${spec.label}（必須）` : spec.label;
    f[spec.name] = field(label, control(spec, value), { hint: spec.hint || '' });
  }
  return f;
}

function control(spec, value) {
  if (spec.choices) {
    return el('select', { name: spec.name },
      el('option', { value: '' }, '選択してください'),
      spec.choices.map((c) => el('option', { value: c.value, selected: c.value === value },
        c.label)));
  }
  return el('input', {
    type: spec.type || 'text', name: spec.name, value, maxlength: spec.maxlength,
    required: spec.required, autocomplete: 'off', spellcheck: 'false',
    class: spec.pattern && spec.name !== 'id' ? 'input-code' : null,
    inputmode: spec.numeric ? 'numeric' : null,
  });
}

// fieldGroups lays the fields out in fieldsets.
export function fieldGroups(f) {
  return groups.map((g) => el('fieldset', { class: 'fieldset' },
    el('legend', {}, g.legend),
    counterpartyFields.filter((s) => s.group === g.id && f[s.name]).map((s) => f[s.name].wrapper)));
}

// readCounterparty checks the fields, shows a message beside each bad one,
// focuses the first and returns the request body, or null.
export function readCounterparty(f) {
  const input = {};
  let first = null;
  for (const spec of counterpartyFields.filter((s) => f[s.name])) {
    const value = f[spec.name].control.value.trim();
    input[spec.name] = value;
    const problem = valueProblem(spec, value);
    f[spec.name].setError(problem);
    first = first || (problem ? f[spec.name].control : null);
  }
  if (first) {
    first.focus();
    return null;
  }
  return input;
}

// valueProblem says what is wrong with a field's value, or "". An empty
// optional field is fine.
function valueProblem(spec, value) {
  if (!value) {
    return spec.required ? spec.message : '';
  }
  if (spec.problem) {
    return spec.problem(value);
  }
  const fits = spec.pattern ? spec.pattern.test(value)
    : !spec.choices || spec.choices.some((c) => c.value === value);
  return fits ? '' : spec.message;
}

// showCounterpartyErrors puts each of the API's field refusals
// (error.details of invalid_counterparty) or an id already taken beside its
// field, and reports whether any was shown.
export function showCounterpartyErrors(f, err) {
  let issues = [];
  if (err.code === 'invalid_counterparty' && Array.isArray(err.details)) {
    issues = err.details;
  } else if (err.code === 'already_exists') {
    issues = [{ field: 'id', message: '' }];
  }
  let first = null;
  for (const issue of issues.filter((i) => f[i.field])) {
    const spec = counterpartyFields.find((s) => s.name === issue.field);
    const text = err.code === 'already_exists'
      ? 'この取引先IDは既に使われています。別のIDを指定してください。'
      : (spec && spec.message) || issue.message;
    f[issue.field].setError(text);
    first = first || f[issue.field].control;
  }
  if (first) {
    first.focus();
  }
  return first !== null;
}
