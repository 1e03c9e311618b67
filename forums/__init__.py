"""Open and restricted categories, threads, posts, notifications and moderation."""
