import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import { createApiClient } from './http';
import type { ApiClient } from './http';
import { useAuth } from '../store/auth';

/** The app's one API client: same origin, the signed-in user's token, 401 signs out. */
export const appApi: ApiClient = createApiClient({
  getToken: () => useAuth.getState().token,
  onUnauthorized: () => {
    useAuth.getState().logout();
  },
});

const ApiContext = createContext<ApiClient>(appApi);

/** Lets a test (or a storybook) hand the screens another client, e.g. one for a local server. */
export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext value={client}>{children}</ApiContext>;
}

export function useApi(): ApiClient {
  return useContext(ApiContext);
}
