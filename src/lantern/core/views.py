from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Lantern")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse(str(exception), status=403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse("Not found", status=404)
