import { describe, expect, it } from "vitest";
import { tokenSigner } from "@/lib/crypto";
import { reportFileToken, verifyReportFileToken } from "@/lib/services/reports/file-token";
import { signToken, verifyToken } from "@/lib/services/tracking/tokens";

// The one signer behind tracking, unsubscribe and report-download links.
describe("tokenSigner", () => {
  const a = tokenSigner<{ n: number }>("test/a/v1");
  const b = tokenSigner<{ n: number }>("test/b/v1");

  it("reads back what it signed, and nothing altered", () => {
    const token = a.sign({ n: 42 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(a.verify(token)).toEqual({ n: 42 });
    const [body, sig] = token.split(".") as [string, string];
    const edited = Buffer.from(JSON.stringify({ n: 43 })).toString("base64url");
    expect(a.verify(`${edited}.${sig}`)).toBeNull();
    expect(a.verify(`${body}.${sig.slice(0, -2)}`)).toBeNull();
    expect(a.verify(body)).toBeNull();
    expect(a.verify("")).toBeNull();
  });

  it("keys each label apart: a token for one purpose never passes for another", () => {
    expect(b.verify(a.sign({ n: 1 }))).toBeNull();
    const report = reportFileToken({ id: "00000000-0000-4000-8000-000000000001", orgId: "o" });
    expect(verifyReportFileToken(report)).not.toBeNull();
    expect(verifyToken(report)).toBeNull();
    const tracking = signToken({ k: "o", m: "00000000-0000-4000-8000-000000000002" });
    expect(verifyToken(tracking)).toMatchObject({ k: "o" });
    expect(verifyReportFileToken(tracking)).toBeNull();
  });

  it("refuses tokens past maxLength unread", () => {
    const short = tokenSigner<{ s: string }>("test/short/v1", { maxLength: 100 });
    const ok = short.sign({ s: "x" });
    expect(short.verify(ok)).toEqual({ s: "x" });
    expect(short.verify(short.sign({ s: "x".repeat(100) }))).toBeNull();
  });
});
