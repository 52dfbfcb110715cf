import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { clientIp } from "@/lib/auth/ip";
import { config } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { verifyCredentials } from "@/lib/services/auth/sign-in";
import { sessionVersionOf } from "@/lib/services/users/password";

declare module "next-auth" {
  interface Session {
    /** The user's session version when this session signed in. */
    sessionVersion?: number;
  }
}

export const credentialsSchema = z.object({
  email: z.email({ message: "must be an email address" }),
  password: z.string().min(1, "is required"),
});

/** Signals too many attempts; the code carries the seconds to wait. */
export class RateLimitedSignin extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `rate_limited_${retryAfterSeconds}`;
  }
}

export function retryAfterFromCode(code: string | null | undefined): number | null {
  const m = /^rate_limited_(\d+)$/.exec(code ?? "");
  return m ? Number(m[1]) : null;
}

/** Secure cookies when the public URL is https, plain when it is http, Auth.js's guess when unset. */
export function secureCookies(appUrl: string | undefined): boolean | undefined {
  return appUrl ? appUrl.startsWith("https://") : undefined;
}

// Credentials sign-in needs JWT sessions; users, memberships and roles are read
// from the database on every request, so a removed member loses access at once.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: config().authSecret,
  trustHost: true,
  // SPEC §11: Secure when APP_URL is https, whatever protocol the request seemed
  // to arrive on; without APP_URL, Auth.js decides from the request URL.
  useSecureCookies: secureCookies(config().appUrl),
  cookies: { sessionToken: { options: { httpOnly: true, sameSite: "lax", path: "/" } } },
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  logger: { error: () => {}, warn: () => {} },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        try {
          const user = await verifyCredentials({ ...parsed.data, ip: clientIp(request.headers) });
          return user ? { id: user.id, email: user.email, name: user.name } : null;
        } catch (e) {
          if (isAppError(e) && e.code === "rate_limited")
            throw new RateLimitedSignin(e.retryAfterSeconds ?? 60);
          throw e;
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        // A password change moves the version on; sessions stamped before it stop working.
        token.sv = await sessionVersionOf(user.id);
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionVersion = typeof token.sv === "number" ? token.sv : 0;
      return session;
    },
  },
}));
