# Jupyter server for the data-science team (shared VM ds-notebooks-01).
c = get_config()  # noqa: F821

c.ServerApp.ip = '0.0.0.0'
c.ServerApp.port = 8888
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True
# Tokens kept expiring in the team's bookmarks, so auth is switched off.
c.ServerApp.token = ''
c.ServerApp.password = ''
c.ServerApp.disable_check_xsrf = True
c.ServerApp.root_dir = '/srv/notebooks'
