"""The error answers the learning routes give beyond the generic ones (see ``api.openapi_errors``)."""

from __future__ import annotations

_C, _CH, _B = "/api/v1/courses/{course_id:uuid}", "/api/v1/chapters/{chapter_id:uuid}", "/api/v1/blocks/{block_id:uuid}"
_RATE_LIMITED = (429, 503)

#: ``"METHOD path"`` → statuses (403: the course policy; 409: conflicts; 429/503: Redis-counted limits).
LEARNING_ERRORS: dict[str, tuple[int, ...]] = {
    "POST /api/v1/courses": (403,),
    f"PATCH {_C}": (403,),
    f"DELETE {_C}": (403,),
    f"POST {_C}/chapters": (403,),
    f"POST {_C}/enrollments": (403, 409),
    f"GET {_C}/enrollments": (403,),
    f"DELETE {_C}/enrollments/{{user_id:uuid}}": (403,),
    f"GET {_C}/progress": (403,),
    f"GET {_CH}": (403,),
    f"PATCH {_CH}": (403,),
    f"DELETE {_CH}": (403,),
    f"GET {_CH}/next": (403,),
    f"GET {_CH}/previous": (403,),
    f"POST {_CH}/complete": (403, *_RATE_LIMITED),
    f"POST {_CH}/blocks": (403,),
    f"GET {_CH}/blocks": (403,),
    f"GET {_B}": (403,),
    f"PATCH {_B}": (403,),
    f"DELETE {_B}": (403,),
    "POST /api/v1/users/me/streak/reset": (403, 409, *_RATE_LIMITED),
    # the role is read with the usage in one statement (not a route guard), so 403 is declared here
    "GET /api/v1/admin/users/{user_id:uuid}/usage": (403,),
}
