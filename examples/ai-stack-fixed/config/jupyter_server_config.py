# Jupyter server for the data-science team (shared VM ds-notebooks-01).
# Reached through the SSO proxy on the VM; the server itself listens on loopback only and
# keeps the token Jupyter generates at start-up.
c = get_config()  # noqa: F821

c.ServerApp.ip = '127.0.0.1'
c.ServerApp.port = 8888
c.ServerApp.open_browser = False
c.ServerApp.allow_root = False
c.ServerApp.root_dir = '/srv/notebooks'
