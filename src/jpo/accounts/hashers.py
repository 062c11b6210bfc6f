"""The password hasher: Argon2id with OWASP's recommended minimum cost (19 MiB, 2 passes, 1 lane).

Memory-hard, so guessing stolen hashes on GPUs stays expensive, while one log-in costs tens of
milliseconds of one core instead of Django's PBKDF2 default (1,000,000 iterations, several hundred ms
here): bench/login_throughput.py and bench/README.md have the figures. Older hashes (PBKDF2) still
verify and are re-hashed with these parameters at the user's next log-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
