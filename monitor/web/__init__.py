"""The HTTP layer's own defences, one idea per module, wired by `monitor.app`: request size
and anonymous bodies (`body_limits`), JSON a browser would send (`json_bodies`), the
callback request's shape (`callback_shapes`), cross-site writes (`cross_site`), no caching
of anything but static files (`no_store`), and Dash's own files (`component_suites`)."""
