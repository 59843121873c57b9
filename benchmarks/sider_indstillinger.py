"""Settings for `benchmarks/sider.py` only: the production settings plus a URLconf with the "hello" view.

The hello view lives here, not in the app, so the app has no page that exists only to be measured against.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "sider_urls"
