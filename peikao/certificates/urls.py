from django.urls import path

from peikao.certificates import offline
from peikao.certificates.views import importing, ledger, public, staff

app_name = "certificates"

urlpatterns = [
    path("verify/", public.verify, name="verify"),
    path("verify/qr/", public.verify_qr, name="verify_qr"),
    path("verify/bulk/", public.verify_bulk, name="verify_bulk"),
    path("verify/trust-list.json", public.trust_list_json, name="trust_list"),
    path("verify/status-list.json", public.status_list_json, name="status_list"),
    path("verify/offline/", offline.offline_page, name="offline"),
    path("verify/offline/sw.js", offline.offline_service_worker, name="offline_worker"),
    path("certificates/", staff.certificate_list, name="list"),
    path("certificates/issue/", staff.issue, name="issue"),
    path("certificates/import/", importing.certificate_import, name="import"),
    path(
        "certificates/imports/<int:import_id>/",
        importing.certificate_import_detail,
        name="import_detail",
    ),
    path(
        "certificates/imports/<int:import_id>/import/",
        importing.certificate_import_from_check,
        name="import_from_check",
    ),
    path("certificates/ledger/", ledger.ledger, name="ledger"),
    path("certificates/ledger.xlsx", ledger.ledger_download, name="ledger_download"),
    path("certificates/forecast/", ledger.forecast, name="forecast"),
    path("certificates/batches/<int:batch_id>/", staff.batch_detail, name="batch"),
    path("certificates/<int:certificate_id>/", staff.certificate_detail, name="detail"),
    path("certificates/<int:certificate_id>/pdf/", staff.certificate_pdf, name="pdf"),
    *(
        path(
            f"certificates/<int:certificate_id>/{act}/",
            staff.certificate_act,
            {"act": act},
            name=act,
        )
        for act in staff.ACTS
    ),
]
