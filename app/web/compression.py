"""Pages and JSON compressed with gzip, now that no secret repeats across responses (the CSRF token is masked
afresh in each: app/web/csrf.py), which is what the BREACH attack needs. Responses marked `no-store` (sign-in,
account, administration, safeguarding concerns) are still sent uncompressed: they may carry other secrets beside
what a user typed (a two-factor secret being set up), and they are small."""

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import Message, Receive, Scope, Send


class _SparingGZipResponder(GZipResponder):
    async def send_with_compression(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            already_plain = "content-encoding" in Headers(raw=message.get("headers", []))
            await super().send_with_compression(message)
            no_store = "no-store" in Headers(raw=message.get("headers", [])).get("cache-control", "")
            if no_store and not (already_plain or self.partial_response or self.content_type_is_excluded):
                self.content_type_is_excluded = True  # from here on, passed through as it is
                await self.send(self.initial_message)
            return
        await super().send_with_compression(message)


class PageCompression(GZipMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder: IdentityResponder
        if "gzip" in Headers(scope=scope).get("Accept-Encoding", ""):
            responder = _SparingGZipResponder(self.app, self.minimum_size, compresslevel=self.compresslevel,
                                              thread_minimum_size=self.thread_minimum_size,
                                              exclude_content_types=self.exclude_content_types)
        else:
            responder = IdentityResponder(self.app, self.minimum_size, exclude_content_types=self.exclude_content_types)
        await responder(scope, receive, send)
