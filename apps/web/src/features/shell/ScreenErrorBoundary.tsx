import { Component } from 'react';
import type { ReactNode } from 'react';

interface State {
  failed: boolean;
}

/**
 * Keeps a failing screen (typically a lazy chunk that cannot load after the server was updated)
 * from blanking the whole dashboard: the header and the connection banner stay, with a way back.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="detail">
        <p className="form-error" role="alert">
          This screen could not be shown. Reload the page to get the current version of Chairside.
        </p>
        <p>
          <a href="/">Back to all chairs</a>
        </p>
      </main>
    );
  }
}
