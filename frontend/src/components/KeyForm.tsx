import { type FormEvent, useId, useState } from 'react';

/** Asks for the dashboard access key (first visit, or after a 401). */
export function KeyForm(props: { rejected: boolean; onSubmit: (key: string) => void }) {
  const [value, setValue] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) props.onSubmit(value.trim());
  };
  return (
    <main className="keyform">
      <form className="card keyform__card" onSubmit={submit}>
        <h1 className="keyform__title">Revenue Heartbeat</h1>
        {props.rejected ? (
          <p className="keyform__error" role="alert">
            That access key was not accepted. Please enter a current one.
          </p>
        ) : (
          <p className="muted">Enter your agency's access key to see its live revenue.</p>
        )}
        <p className="muted keyform__help">
          Where a key comes from: an owner of your agency creates read-only keys on the Members page after signing in
          (or with <code>npm run connect -- --new-key</code> when the agency is connected). A key is shown once, so ask
          that person for one. Locally, <code>npm start</code> prints a link that carries a key.
        </p>
        <label htmlFor={id} className="keyform__label">
          Access key
        </label>
        <input
          id={id}
          className="keyform__input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="button button--primary" disabled={!value.trim()}>
          Open dashboard
        </button>
      </form>
    </main>
  );
}
