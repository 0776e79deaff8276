// Choosing a data broker from a list of ids and names, as the basic design
// asks, so that nobody has to type a broker id. The options read
// "id / name" (see brokerOptionLabel).

import { apiGet } from '../api.js';
import { el } from '../dom.js';
import { brokerOptionLabel } from '../format.js';

// fetchBrokers lists the data brokers the user may choose from as
// {id, name}. A broker's own staff get their organisation only.
export async function fetchBrokers() {
  const data = await apiGet('/organizations');
  return data.items;
}

// brokerSelect is a select of the brokers with selected chosen; its first
// option asks the user to choose.
export function brokerSelect({ id, name = 'broker_id', brokers, selected = '' }) {
  return el('select', { id, name }, brokerOptions(brokers, selected));
}

// brokerOptions are the options of a broker select, led by one that asks
// the user to choose.
export function brokerOptions(brokers, selected = '') {
  return [
    el('option', { value: '' }, '選択してください'),
    ...brokers.map((b) => el('option', { value: b.id, selected: b.id === selected },
      brokerOptionLabel(b.name, b.id))),
  ];
}
