from households.access import capabilities_of, scope_of


def assignment(request):
    """The signed-in user's scope and capabilities, for the navigation (one cached query per request).

    The navigation asks ``"post_list" in portal_caps``, never for a role by name."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"portal_scope": scope_of(user), "portal_caps": capabilities_of(user)}
