from households.access import scope_of


def assignment(request):
    """The signed-in user's role and unit, for the navigation (one cached query per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"portal_scope": scope_of(user)}
