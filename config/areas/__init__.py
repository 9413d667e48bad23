"""The product's areas, one URL module each: what config/urls.py mounts under a prefix when the pages
under it come from more than one app. An area lists its apps' URL modules in the order they are tried;
panels that one app renders inside another's pages keep their own namespace here."""
