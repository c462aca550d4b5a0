import type { Me } from '../accounts-api';
import type { Access } from './SignInGate';

/** The app's views; the bar offers only those the caller's role allows. */
export type View = 'dashboard' | 'members' | 'connect';

/** Who is signed in, the views they may open, and sign-out. */
export function AccountBar(props: { access: Access; me: Me | undefined; view: View; onView: (v: View) => void }) {
  const { me, access } = props;
  const can = (a: Me['permissions'][number]) => me?.permissions.includes(a) ?? false;
  const views: { view: View; label: string; allowed: boolean }[] = [
    { view: 'dashboard', label: 'Dashboard', allowed: true },
    { view: 'connect', label: 'Fanvue accounts', allowed: can('connect') },
    { view: 'members', label: 'Members', allowed: can('manage') },
  ];
  return (
    <nav className="accountbar" aria-label="Account">
      <div className="accountbar__views">
        {views
          .filter((v) => v.allowed)
          .map((v) => (
            <button
              key={v.view}
              type="button"
              className="toggle__option"
              aria-current={props.view === v.view ? 'page' : undefined}
              onClick={() => props.onView(v.view)}
            >
              {v.label}
            </button>
          ))}
      </div>
      <div className="accountbar__who">
        <span className="muted">
          {access.kind === 'key' ? 'Read-only access key' : me ? `${me.email ?? ''} · ${me.role}` : 'Signed in'}
        </span>
        <button type="button" className="button" onClick={() => access.signOut()}>
          {access.kind === 'key' ? 'Forget key' : 'Sign out'}
        </button>
      </div>
    </nav>
  );
}
