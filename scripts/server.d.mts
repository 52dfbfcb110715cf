import type { IncomingMessage, Server, ServerResponse } from "node:http";

export const SOCKET_ADDRESS_HEADER: string;
export const SOCKET_ADDRESS_HEADER_ENV: string;
export function stampSocketAddress(req: IncomingMessage): void;
export function createAppServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Server;
