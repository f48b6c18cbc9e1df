import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { User } from '@chairside/core';

interface AuthState {
  token: string | null;
  user: User | null;
  signIn: (token: string, user: User) => void;
  logout: () => void;
}

/**
 * Who is signed in. Kept in sessionStorage: a reload keeps the nurse signed in, closing the
 * tab (or a shared tablet's browser) ends it.
 */
export const useAuth = create<AuthState>()(
  persist(
    (set) => ({
      token: null,
      user: null,
      signIn: (token, user) => {
        set({ token, user });
      },
      logout: () => {
        set({ token: null, user: null });
      },
    }),
    {
      name: 'chairside-auth',
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ token: s.token, user: s.user }),
    },
  ),
);
