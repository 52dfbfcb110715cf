import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createAppServer, SOCKET_ADDRESS_HEADER } from "../../scripts/server.mjs";

describe("the production server (scripts/server.mjs)", () => {
  it("replaces a client-sent socket-address header with the real peer address", async () => {
    const server = createAppServer(async (req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ headers: req.headers, raw: req.rawHeaders }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [SOCKET_ADDRESS_HEADER]: "6.6.6.6", "X-Switchboard-Socket-Address": "7.7.7.7" },
      });
      const seen = (await res.json()) as { headers: Record<string, string>; raw: string[] };
      expect(seen.headers[SOCKET_ADDRESS_HEADER]).toBe("127.0.0.1");
      expect(seen.raw.join(" ")).not.toMatch(/6\.6\.6\.6|7\.7\.7\.7/);
      expect(process.env.SWITCHBOARD_SOCKET_ADDRESS_HEADER).toBe(SOCKET_ADDRESS_HEADER);
    } finally {
      server.close();
    }
  });
});
