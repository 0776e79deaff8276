// The portal's roles in Japanese, as the basic design names them.

const roleLabels = {
  operator: '清算機関運用者',
  broker: 'データブローカー',
  admin: 'システム管理者',
};

// roleLabel names a role; an unknown role is shown as the API sent it.
export function roleLabel(role) {
  return roleLabels[role] || role;
}
