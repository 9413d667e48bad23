"""The creator portal's door: who may act for a creator and for which brands (portal grants and proven handles),
the guard every portal page goes through, and the portal home and profile."""
