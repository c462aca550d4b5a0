import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { ROLES } from '../../../lambdas/domain/access';
import { createAccessKey, inviteMember, type Me, type Member, removeMember, revokeAccessKey } from '../accounts-api';
import { accessKeysQuery, accountKeys, membersQuery } from '../accounts-queries';

/** Owners' page: the agency's members (invite, remove) and its read-only access keys (create once, revoke). */
export function Members(props: { credential: string; me: Me }) {
  return (
    <main className="page">
      <h1 className="page__title">Members of {props.me.agency.name}</h1>
      <MemberList credential={props.credential} me={props.me} />
      <AccessKeys credential={props.credential} />
    </main>
  );
}

function MemberList(props: { credential: string; me: Me }) {
  const { credential } = props;
  const queryClient = useQueryClient();
  const members = useQuery(membersQuery(credential));
  const refresh = () => queryClient.invalidateQueries({ queryKey: accountKeys.members(credential) });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Member['role']>('viewer');
  const emailId = useId();
  const roleId = useId();
  const invite = useMutation({
    mutationFn: () => inviteMember(credential, { email, role }),
    onSuccess: () => {
      setEmail('');
      return refresh();
    },
  });
  const remove = useMutation({ mutationFn: (userId: string) => removeMember(credential, userId), onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (email.trim()) invite.mutate();
  };
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title" className="card__title">
        Members
      </h2>
      {members.isPending ? <p className="muted">Loading members…</p> : null}
      <ul className="members">
        {(members.data ?? []).map((m) => (
          <li key={m.userId} className="members__row">
            <span>{m.email}</span>
            <span className="muted">{m.role}</span>
            {m.email !== props.me.email ? (
              <button
                type="button"
                className="button"
                aria-label={`Remove ${m.email}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate(m.userId)}
              >
                Remove
              </button>
            ) : (
              <span className="muted">you</span>
            )}
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={submit} aria-label="Invite a member">
        <label htmlFor={emailId}>E-mail</label>
        <input
          id={emailId}
          type="email"
          required
          className="keyform__input"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor={roleId}>Role</label>
        <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Member['role'])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--primary" disabled={invite.isPending}>
          Invite
        </button>
      </form>
      <p aria-live="polite" className="muted">
        {invite.isSuccess ? `Invitation sent to ${invite.data.email}.` : ''}
        {invite.isError ? `Could not invite: ${invite.error.message}` : ''}
        {remove.isError ? `Could not remove: ${remove.error.message}` : ''}
      </p>
    </section>
  );
}

function AccessKeys(props: { credential: string }) {
  const { credential } = props;
  const queryClient = useQueryClient();
  const keys = useQuery(accessKeysQuery(credential));
  const refresh = () => queryClient.invalidateQueries({ queryKey: accountKeys.accessKeys(credential) });
  const [label, setLabel] = useState('');
  const labelId = useId();
  const create = useMutation({
    mutationFn: () => createAccessKey(credential, label),
    onSuccess: () => {
      setLabel('');
      return refresh();
    },
  });
  const revoke = useMutation({ mutationFn: (keyId: string) => revokeAccessKey(credential, keyId), onSuccess: refresh });
  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title" className="card__title">
        Read-only access keys
      </h2>
      <p className="muted">For scripts and wall displays: they read the dashboard of this agency and nothing else.</p>
      <ul className="members">
        {(keys.data ?? []).map((k) => (
          <li key={k.keyId} className="members__row">
            <span>{k.label}</span>
            <span className="muted">created {k.createdAt.slice(0, 10)}</span>
            <button
              type="button"
              className="button"
              aria-label={`Revoke ${k.label}`}
              disabled={revoke.isPending}
              onClick={() => revoke.mutate(k.keyId)}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        aria-label="Create an access key"
        onSubmit={(e) => {
          e.preventDefault();
          if (label.trim()) create.mutate();
        }}
      >
        <label htmlFor={labelId}>Label</label>
        <input id={labelId} className="keyform__input" value={label} onChange={(e) => setLabel(e.target.value)} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.isSuccess ? (
        <p role="status">
          Copy this key now, it will not be shown again: <output className="secret">{create.data.key}</output>
        </p>
      ) : null}
    </section>
  );
}
