import { Checkbox } from 'antd';
import { ROLE_LABELS, ROLES, SEPARATED_ROLES, type Role } from '@duban/domain';

/**
 * Roles as check boxes that keep 三员分立: once the sysadmin or the auditor role is ticked nothing else can be, and
 * once a business role is ticked those two cannot be (the API refuses the same combinations).
 */
export function RolePicker({ value = [], onChange, locked = false }: { value?: Role[]; onChange?: (roles: Role[]) => void; locked?: boolean }) {
  const separatedChosen = value.some((r) => SEPARATED_ROLES.includes(r));
  const businessChosen = value.some((r) => !SEPARATED_ROLES.includes(r));
  const options = ROLES.map((role) => {
    const chosen = value.includes(role);
    const separated = SEPARATED_ROLES.includes(role);
    const blocked = !chosen && (separatedChosen || (separated && businessChosen));
    return { value: role, label: ROLE_LABELS[role], disabled: locked || blocked };
  });
  return <Checkbox.Group options={options} value={value} onChange={(roles) => onChange?.(roles)} />;
}
