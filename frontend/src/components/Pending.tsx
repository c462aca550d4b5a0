/**
 * What a page shows while its code or data is on the way: one polite status
 * line in the page's own frame, so the layout does not jump and a screen
 * reader hears that something is loading.
 */
export function Pending(props: { label: string; frame?: 'page' | 'keyform' }) {
  const text = (
    <p className="muted" role="status">
      {props.label}
    </p>
  );
  return props.frame === 'keyform' ? (
    <main className="keyform">
      <section className="card keyform__card" aria-busy="true">
        <h1 className="keyform__title">Revenue Heartbeat</h1>
        {text}
      </section>
    </main>
  ) : (
    <main className="page" aria-busy="true">
      {text}
    </main>
  );
}
