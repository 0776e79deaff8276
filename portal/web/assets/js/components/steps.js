// The three steps of the register and update screens as the basic design
// draws them — input, confirmation, completion (入力 → 確認 → 完了) — on one
// page whose heading and content follow the step.

import { el, replace } from '../dom.js';

const stepNames = ['入力', '確認', '完了'];

// stepFlow shows one step at a time in root. titles name the page at each
// step, such as 請求書登録, 請求書登録確認 and 請求書登録完了; setTitle is the
// router's. Nodes passed to show keep their state when shown again, so a
// form returned to from the confirmation still holds what was entered.
export function stepFlow(root, { titles, setTitle }) {
  const indicator = el('ol', { class: 'steps', 'aria-label': '手順' });
  const body = el('div', { class: 'step-body' });
  root.append(indicator, body);
  const show = (index, ...nodes) => {
    replace(indicator, stepNames.map((name, i) => el('li', {
      class: `step ${i < index ? 'step-done' : ''} ${i === index ? 'step-current' : ''}`,
      'aria-current': i === index ? 'step' : null,
    }, `${i + 1}. ${name}`)));
    replace(body, ...nodes);
    setTitle(titles[index]);
  };
  // showInvalid returns to the input, page, after the API refused a field,
  // and moves focus to the first field marked invalid.
  const showInvalid = (page) => {
    show(0, page);
    const bad = page.querySelector('[aria-invalid="true"]');
    if (bad) {
      bad.focus();
    }
  };
  return { show, showInvalid };
}

// stepButtons are the confirmation's 戻る (back to the input) and the button
// that sends it, labelled submitLabel.
export function stepButtons(submitLabel) {
  const back = el('button', { type: 'button', class: 'button step-back' }, '入力画面に戻る');
  const submit = el('button', { type: 'button', class: 'button button-primary step-submit' },
    submitLabel);
  return { back, submit, row: el('div', { class: 'button-row' }, back, submit) };
}
