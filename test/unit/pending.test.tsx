// @vitest-environment jsdom

import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Pending } from '../../frontend/src/components/Pending';

afterEach(cleanup);

describe('the loading state of a page loaded on demand', () => {
  it('says so in a status line inside the page frame, marked busy', () => {
    render(<Pending label="Loading the page…" />);
    expect(screen.getByRole('status').textContent).toBe('Loading the page…');
    expect(screen.getByRole('main').getAttribute('aria-busy')).toBe('true');
  });

  it('keeps the sign-in card frame while the sign-in page loads', () => {
    render(<Pending frame="keyform" label="Signing you in…" />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Revenue Heartbeat');
    expect(screen.getByRole('status').textContent).toBe('Signing you in…');
  });
});
