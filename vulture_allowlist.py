"""Names vulture reports as unused that are used by convention, not by an import (`make lint` runs
vulture over src/, bench/ and this file; pyproject.toml [tool.vulture] ignores the conventions that have
a name pattern or a decorator). Each line names something that IS used, and says by whom. Never run:
the names only have to appear here. Dead code does not belong here: delete it."""

# --- Django settings name these by dotted path (settings.py, not scanned) ------------------------------
lockout_response, original_response  # AXES_LOCKOUT_CALLABLE (django-axes passes these arguments)
navigation  # TEMPLATES context_processors
csrf_failure  # CSRF_FAILURE_VIEW
Argon2idHasher  # PASSWORD_HASHERS
_.time_cost, _.memory_cost, _.parallelism  # Argon2PasswordHasher's cost attributes, read by Django
get_language_short  # used in models.py (not scanned: its fields would all be reported)

# --- Django classes: attributes and hooks the framework reads -------------------------------------------
verbose_name, default_auto_field  # AppConfig
send_mail, from_email, html_email_template_name  # PasswordResetForm.send_mail, overridden (same signature)
_.extra_email_context  # PasswordResetView
japanese_national, other_nationalities, password1, password2, input_formats, dir  # form fields
_.disabled  # a form field's attribute, read when the form renders and validates
sender  # signal receivers take the sender argument
_.site_header  # AdminSite
default_builtins  # the Django template engine's option (safety.mail)
_load  # `jpo rules load`: the command calls getattr(self, f"_{action}")
_.as_postgresql, _.get_group_by_cols  # query expressions: Django's compiler calls them (selection.selectors.ranking)

# --- model fields set on instances, then saved (the models are not scanned) --------------------------
_.resolved_by, _.confirmed_at, _.responded_by, _.profile_sha256, _.override_by, _.override_at, _.updated_at
BACHELOR, MASTER, DOCTORATE, FULL_TIME, PART_TIME, INTERNSHIP  # TextChoices members (stored values)
PRIVATE, NATIONAL_GOVERNMENT, LOCAL_GOVERNMENT, INTERNATIONAL_ORGANIZATION, NGO, ACADEMIA, OTHER

# --- API schemas (django-ninja / pydantic): fields serialized to JSON ------------------------------------
parameter_value, post_title, updated_at

# --- templates read these attributes -------------------------------------------------------------------
x_lower, x_upper, x_midpoint, x_staff  # representation/_chart.svg
uncorrected  # selection/ranking.html
refused_danger_levels  # programme/call_detail.html

# --- libraries call these ---------------------------------------------------------------------------
handle_startendtag, handle_endtag, handle_data  # html.parser.HTMLParser callbacks (web.wording)
_.freeze_panes, _.quotePrefix  # openpyxl worksheet and cell style attributes
_.prec  # decimal context precision
ehlo_or_helo_if_needed, starttls, sendmail, quit  # smtplib.SMTP's interface, faked in outbox tests
handle_DATA  # aiosmtpd's handler callback (bench/deadline_surge.py's local mail server)

# --- data kept as documentation of its source --------------------------------------------------------
unit  # the unit a parameter file or an assessment table states (kept with the value it qualifies)
SOURCE_JAPANESE_NAMES  # the public source of the shipped Japanese country names (named where they load)

# --- tests: pytest and settings fixtures ------------------------------------------------------------
_.TASKS, _.EMAIL_BACKEND, _.OTP_TOTP_THROTTLE_FACTOR, _.AXES_FAILURE_LIMIT, _.AXES_ENABLED, _.ALLOWED_HOSTS
_.attempt_time  # django-axes' AccessAttempt field, set by a test
console, project_hashers  # fixtures requested by name
