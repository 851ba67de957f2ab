"""The web page at `/`: hand-written HTML, CSS and JS shipped in the package (no CDN, no
build step), built only on the public /v1 routes. The page and its static files hold no
data, so they are served without an API key; the page asks for one when /v1 says 401.
`byline serve --report PATH` also serves an eval HTML report at `/report`.
"""

from api.web.routes import install

__all__ = ["install"]
