"""GB/T 2260 administrative divisions: provinces, prefectures and counties."""
