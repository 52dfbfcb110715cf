import { NextRequest } from "next/server";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";

/** What scripts/server.mjs announces: the header carrying the TCP peer address. */
export const SOCKET_HEADER = "x-switchboard-socket-address";
process.env.SWITCHBOARD_SOCKET_ADDRESS_HEADER = SOCKET_HEADER;

/**
 * Posts email and password to the credentials callback as the login form's
 * server action does, with a fresh CSRF token; `headers` are what arrives at Next
 * (the socket header as the custom server stamps it, any X-Forwarded-For).
 */
export async function postCredentials(
  email: string,
  password: string,
  headers: Record<string, string>,
): Promise<{ status: number; location: string | null; retryAfter: string | null; cookies: string[] }> {
  const csrf = await GET(new NextRequest("http://localhost/api/auth/csrf", { headers }));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await POST(
    new NextRequest("http://localhost/api/auth/callback/credentials", {
      method: "POST",
      headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password, csrfToken }).toString(),
    }),
  );
  return {
    status: res.status,
    location: res.headers.get("location"),
    retryAfter: res.headers.get("retry-after"),
    cookies: res.headers.getSetCookie(),
  };
}

export const randomOctet = () => 1 + Math.floor(Math.random() * 250);
