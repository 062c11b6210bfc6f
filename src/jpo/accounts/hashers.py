"""The password hasher: Argon2id at one of OWASP's recommended minimum configurations (7 MiB, 5 passes,
1 lane).

OWASP lists five Argon2id configurations of equal strength, trading memory for passes (46 MiB/1 pass,
19 MiB/2, 12 MiB/3, 9 MiB/4, 7 MiB/5). Measured here, 7 MiB/5 passes costs the least CPU per hash
(about a third less than 19 MiB/2) and the least memory per log-in in progress, so logins under load
are faster at the same strength: bench/login_throughput.py and bench/README.md have the figures.
Memory-hard, so guessing stolen hashes on GPUs stays expensive. Hashes made with other parameters
(the 19 MiB/2 passes used before, or PBKDF2) still verify and are re-hashed with these at the user's
next log-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
