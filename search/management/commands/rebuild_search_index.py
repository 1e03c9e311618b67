import time

from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the whole search index from the records (swapped in at once)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rebuild()
        self.stdout.write(
            f"Indexed {count} search documents in {time.perf_counter() - started:.1f} s."
        )
