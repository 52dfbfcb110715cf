import { op } from "@/lib/api/operation";
import { listResponse } from "@/lib/validation/common";
import {
  conversationJson,
  conversationQuery,
  conversationThreadJson,
  conversationThreadQuery,
} from "@/lib/validation/conversations";

const tag = "Conversations";
export const conversationOps = {
  list: op({
    method: "GET",
    path: "/conversations",
    tag,
    summary: "SMS threads per counterpart number (inbound and outbound), newest activity first",
    permission: "messages:send",
    query: conversationQuery,
    response: listResponse(conversationJson),
  }),
  thread: op({
    method: "GET",
    path: "/conversations/messages",
    tag,
    summary: "The SMS of one thread, newest page first (oldest to newest within a page)",
    permission: "messages:send",
    query: conversationThreadQuery,
    response: conversationThreadJson,
  }),
};
