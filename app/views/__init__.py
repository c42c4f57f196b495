"""The dashboard's views: one ``pn.viewable.Viewer`` per screen, built from its model's params (app.models).

Views hold no state of their own beyond widgets; what they show comes from the model, and what
the user does goes to the model's methods, which call the services.
"""
